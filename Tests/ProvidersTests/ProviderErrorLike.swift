import Providers

/// Lets the helpers above read `ProviderError` without a generic catch on a typed-throws call.
protocol ProviderErrorLike: Error {
    var message: String { get }
}

extension ProviderError: ProviderErrorLike {}
