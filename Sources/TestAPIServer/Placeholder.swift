// test api server
