import KubeAPI

/// A local write refused for a reason a person must act on, or that only time resolves; every other failure
/// stays the client's `KubeError`.
public enum LocalWriteError: Error, Sendable, CustomStringConvertible {
    /// RBAC denies `verb` on `resource` (`services`, `endpointslices.discovery.k8s.io`); `status` is the server's.
    case forbidden(verb: String, resource: String, namespace: String?, status: Status)
    /// The local namespace is being deleted: nothing can be created in it until it is gone.
    case namespaceTerminating(String)

    public var description: String {
        switch self {
        case .forbidden(let verb, let resource, let namespace, let status):
            let scope = namespace.map { " in namespace \($0)" } ?? ""
            let server = status.message.map { " (\($0))" } ?? ""
            return "forbidden: needs \(verb) on \(resource)\(scope): grant it in barrelman's ClusterRole "
                + "(deploy/base/clusterrole.yaml)\(server)"
        case .namespaceTerminating(let namespace):
            return "namespace \(namespace) is being deleted locally; nothing can be created in it until it is gone"
        }
    }

    /// The error to report for a failed write of `verb` on `resource`: 403s become `LocalWriteError`.
    static func classify(_ error: KubeError, verb: String, resource: String, namespace: String?) -> any Error {
        guard case .forbidden(let status) = error else { return error }
        if let namespace, isNamespaceTerminating(status) { return LocalWriteError.namespaceTerminating(namespace) }
        return LocalWriteError.forbidden(verb: verb, resource: resource, namespace: namespace, status: status)
    }

    /// kube-apiserver's NamespaceLifecycle admission refuses creates in a terminating namespace with a 403 whose
    /// cause is `NamespaceTerminating`.
    static func isNamespaceTerminating(_ status: Status) -> Bool {
        status.details?.causes.contains { $0.reason == "NamespaceTerminating" } == true
            || status.message?.contains("because it is being terminated") == true
    }
}

/// Attempts after which a 409 is no longer taken for a cache behind the server (5 ms doubling: ~5 s in all).
let staleCacheRetries = 10

extension Error {
    /// Why this failed write is no failure, when it is none: the retry (with the loop's backoff) needs no
    /// Warning Event, no error count and no warning line. A request cancelled because barrelman is stopping; or
    /// a cache behind the server (409 AlreadyExists or Conflict: the retry plans from the caught-up cache; kube's
    /// EndpointSlice controller keeps such stale-cache errors out of its Events too), but only for the first
    /// `staleCacheRetries` attempts (~5 s of backoff): a 409 that outlasts them is no lag but a name held by an
    /// object the informers do not see, and is reported as any failure.
    func expectedRetryReason(failedAttempts: Int) -> String? {
        if self is CancellationError { return "cancelled" }
        guard let error = self as? KubeError else { return nil }
        switch error {
        case .transport(.cancelled): return "cancelled"
        case .alreadyExists, .conflict:
            return failedAttempts < staleCacheRetries ? "the cache is behind the server (\(error))" : nil
        default: return nil
        }
    }

    /// The namespace, when this error says it is being deleted.
    var terminatingNamespace: String? {
        guard let error = self as? LocalWriteError, case .namespaceTerminating(let namespace) = error else { return nil }
        return namespace
    }
}
