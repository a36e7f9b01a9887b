import CCurlShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` on a new detached thread (the curl loops block in poll, so they get threads of their own rather
/// than a Swift executor's); false when the thread could not be created. `name` (at most 15 bytes) is what
/// `top -H` and profilers show.
func startDetachedThread(name: String, _ body: @escaping () -> Void) -> Bool {
    final class Box {
        let name: String
        let body: () -> Void
        init(_ name: String, _ body: @escaping () -> Void) {
            self.name = String(name.utf8.prefix(15)) ?? "bm-curl"
            self.body = body
        }
    }
    let context = Unmanaged.passRetained(Box(name, body)).toOpaque()
    #if canImport(Glibc)
        var thread = pthread_t()
    #else
        var thread: pthread_t?
    #endif
    let result = pthread_create(&thread, nil, { context in
        let pointer: UnsafeMutableRawPointer? = context
        if let pointer {
            let box = Unmanaged<Box>.fromOpaque(pointer).takeRetainedValue()
            bm_set_thread_name(box.name)
            box.body()
        }
        return nil
    }, context)
    guard result == 0 else {
        Unmanaged<Box>.fromOpaque(context).release()
        return false
    }
    pthread_detach(thread)
    return true
}
