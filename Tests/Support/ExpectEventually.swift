import Testing

/// Records an issue at the caller's line unless `condition` holds within `timeout`.
public func expectEventually(
    _ comment: Comment? = nil, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let held = try await eventually(timeout: timeout, condition)
    #expect(held, comment, sourceLocation: sourceLocation)
}
