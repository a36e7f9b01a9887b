import Controllers
import KubeAPI
import TestSupport
import Testing

/// `-require-export` between two clusters (in-process, or the real ones of the e2e suite): only services
/// their owners annotated `barrelman.tfw.io/export: "true"` are mirrored.
@Suite(.timeLimit(.minutes(2))) struct ExportEndToEndTests {
    static func setExport(_ clusters: TwoClusters, _ name: String, _ value: String?) async throws {
        var service = try await clusters.remote.get(Service.self, name: name, namespace: clusters.namespace)
        service.metadata.annotations[BarrelmanLabels.exportAnnotation] = value
        _ = try await clusters.remote.update(service)
    }

    @Test func anUnexportedServiceIsNotMirroredExportingMirrorsItAndUnexportingDeletesTheMirror() async throws {
        try await TwoClusters.with { clusters in
            try await clusters.createRemoteService("internal")
            try await clusters.createRemoteService("shared", annotations: ["barrelman.tfw.io/export": "true"])
            var settings = ControllerSettings(allowedNamespaces: [clusters.namespace], remoteClusterName: "remote")
            settings.requireExport = true
            try await FaultTests.withBarrelman(
                local: clusters.local, remote: clusters.remote, settings: settings, nodes: clusters.nodes
            ) {
                // Keys are worked in order: once "shared" is mirrored, "internal" has been decided too.
                try await expectEventually { try await !EndToEndTests.localSlices(clusters, "shared").isEmpty }
                #expect(await EndToEndTests.localService(clusters, "internal") == nil, "not exported: not mirrored")
                #expect(try await EndToEndTests.localSlices(clusters, "internal").isEmpty)

                try await Self.setExport(clusters, "internal", "true")
                try await expectEventually { await EndToEndTests.localService(clusters, "internal") != nil }
                try await expectEventually { try await !EndToEndTests.localSlices(clusters, "internal").isEmpty }

                try await Self.setExport(clusters, "internal", nil)
                try await expectEventually { await EndToEndTests.localService(clusters, "internal") == nil }
                try await expectEventually { try await EndToEndTests.localSlices(clusters, "internal").isEmpty }
                #expect(await EndToEndTests.localService(clusters, "shared") != nil, "the exported service stays")
            }
        }
    }
}
