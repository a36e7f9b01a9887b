#if canImport(Glibc)
    import Glibc
#endif

/// Raises the soft limit on open files to the hard one, as Go's runtime does at start: the node prober keeps one
/// connection per probed node alive (5000 nodes, 5000 sockets), past the common soft default of 1024.
func raiseOpenFileLimit() {
    #if canImport(Glibc)
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    #endif
}
