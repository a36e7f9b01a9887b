print("barrelman: not yet")
