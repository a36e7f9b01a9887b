import Controllers
import Testing

@Suite struct ControllerSettingsTests {
    @Test func defaultsMatchTheOriginal() {
        let settings = ControllerSettings()
        #expect(settings.ignoredNamespaces == ["kube-system"])
        #expect(settings.allowedNamespaces.isEmpty)
        #expect(settings.createNodePortServices == false)
        #expect(settings.mirrorLoadBalancer == true)
        #expect(settings.nodeAddressType == .internalIP)
        #expect(settings.endpointsMode == .endpointSlices)
        #expect(settings.maxEndpointsPerSlice == 100)
    }

    @Test(arguments: [(0, 1), (-5, 1), (1, 1), (100, 100), (1000, 1000), (1001, 1000), (50_000, 1000)])
    func sliceSizeIsClampedToWhatTheAPIAccepts(requested: Int, effective: Int) {
        #expect(ControllerSettings(maxEndpointsPerSlice: requested).maxEndpointsPerSlice == effective)
        var settings = ControllerSettings()
        settings.maxEndpointsPerSlice = requested
        #expect(settings.maxEndpointsPerSlice == effective)
    }

    @Test func modesSayWhatTheyWrite() {
        #expect(EndpointsMode.endpointSlices.writesEndpointSlices && !EndpointsMode.endpointSlices.writesEndpoints)
        #expect(!EndpointsMode.endpoints.writesEndpointSlices && EndpointsMode.endpoints.writesEndpoints)
        #expect(EndpointsMode.both.writesEndpointSlices && EndpointsMode.both.writesEndpoints)
    }

    struct NamespaceCase: Sendable, CustomStringConvertible {
        var description: String
        var ignored: Set<String>
        var allowed: Set<String>
        var namespace: String
        var mirrored: Bool
    }

    @Test(arguments: [
        NamespaceCase(
            description: "default ignores kube-system", ignored: ["kube-system"], allowed: [], namespace: "kube-system",
            mirrored: false),
        NamespaceCase(
            description: "other namespaces pass", ignored: ["kube-system"], allowed: [], namespace: "shop",
            mirrored: true),
        NamespaceCase(
            description: "allow list admits listed", ignored: [], allowed: ["shop"], namespace: "shop", mirrored: true),
        NamespaceCase(
            description: "allow list rejects unlisted", ignored: [], allowed: ["shop"], namespace: "blog",
            mirrored: false),
        NamespaceCase(
            description: "ignore wins over allow", ignored: ["shop"], allowed: ["shop"], namespace: "shop",
            mirrored: false),
    ])
    func namespaceFilter(_ test: NamespaceCase) {
        let settings = ControllerSettings(ignoredNamespaces: test.ignored, allowedNamespaces: test.allowed)
        #expect(settings.isNamespaceMirrored(test.namespace) == test.mirrored)
    }
}

@Suite struct IgnoredNamespacesParserTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var values: [String]
        var expected: Set<String>
    }

    @Test(arguments: [
        Case(description: "no flag keeps the default", values: [], expected: ["kube-system"]),
        Case(
            description: "a name adds to the default", values: ["monitoring"], expected: ["kube-system", "monitoring"]),
        Case(description: "a leading dash removes", values: ["-kube-system"], expected: []),
        Case(
            description: "removing then adding", values: ["-kube-system", "istio-system"], expected: ["istio-system"]),
        Case(description: "applied in order", values: ["a", "-a", "b"], expected: ["kube-system", "b"]),
        Case(description: "removing an absent name is harmless", values: ["-nope"], expected: ["kube-system"]),
        Case(description: "repeats are one", values: ["a", "a"], expected: ["kube-system", "a"]),
        Case(description: "spaces are trimmed", values: [" a "], expected: ["kube-system", "a"]),
    ])
    func appliesValuesToTheDefaultSet(_ test: Case) throws {
        #expect(try IgnoredNamespacesParser.apply(test.values) == test.expected)
    }

    @Test(arguments: ["", "-", " ", "- "])
    func valuesNamingNoNamespaceAreRejected(_ value: String) {
        #expect(throws: IgnoredNamespaceError.self) { try IgnoredNamespacesParser.apply([value]) }
    }

    @Test func theErrorSaysWhatToDo() {
        let error = IgnoredNamespaceError(value: "-")
        #expect(error.description.contains("-ignore-namespace"))
        #expect(error.description.contains("give a namespace"))
    }
}
