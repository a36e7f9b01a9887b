import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing

/// The client's verbs end to end: real HTTPS through libcurl to the test API server, or to the real
/// cluster named by BARRELMAN_E2E_LOCAL_KUBECONFIG.
@Suite struct ClientVerbTests {
    static func service(_ name: String, namespace: String, port: Int32 = 80, labels: [String: String] = [:]) -> Service {
        Service(
            metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
            spec: ServiceSpec(ports: [ServicePort(name: "http", port: port, targetPort: .int(8080))]))
    }

    @Test func createGetUpdateDeleteRoundTrip() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let created = try await client.create(Self.service("web", namespace: cluster.namespace))
            #expect(created.metadata.uid != nil)
            #expect(created.spec.clusterIP != nil, "the server allocates a cluster IP")
            #expect(created.spec.ports.first?.targetPort == .int(8080))

            var fetched = try await client.get(Service.self, name: "web", namespace: cluster.namespace)
            #expect(fetched.metadata.resourceVersion == created.metadata.resourceVersion)

            fetched.metadata.labels["tfw.io/barrelman"] = "true"
            let updated = try await client.update(fetched)
            #expect(updated.metadata.labels["tfw.io/barrelman"] == "true")
            #expect(updated.metadata.resourceVersion != created.metadata.resourceVersion)

            try await client.delete(Service.self, name: "web", namespace: cluster.namespace)
            await #expect {
                try await client.get(Service.self, name: "web", namespace: cluster.namespace)
            } throws: { error in
                guard let error = error as? KubeError, error.isNotFound else { return false }
                return error.status?.message == #"services "web" not found"# && error.status?.code == 404
            }
        }
    }

    @Test func updateWithStaleResourceVersionIsAConflict() async throws {
        try await TestCluster.with { cluster in
            let original = try await cluster.client.create(Self.service("web", namespace: cluster.namespace))
            var first = original
            first.metadata.labels["a"] = "1"
            _ = try await cluster.client.update(first)
            var stale = original
            stale.metadata.labels["a"] = "2"
            await #expect {
                try await cluster.client.update(stale)
            } throws: { error in
                guard let error = error as? KubeError, error.isConflict else { return false }
                return error.status?.reason == "Conflict"
                    && error.status?.message?.contains("the object has been modified") == true
            }
        }
    }

    @Test func createOfAnExistingNameIsAlreadyExists() async throws {
        try await TestCluster.with { cluster in
            _ = try await cluster.client.create(Self.service("web", namespace: cluster.namespace))
            await #expect {
                try await cluster.client.create(Self.service("web", namespace: cluster.namespace))
            } throws: { ($0 as? KubeError)?.isAlreadyExists == true }
        }
    }

    @Test func invalidObjectIsRejectedWith422AndItsCauses() async throws {
        try await TestCluster.with { cluster in
            await #expect {
                try await cluster.client.create(Self.service("web", namespace: cluster.namespace, port: 70000))
            } throws: { error in
                guard case .invalid(let status) = error as? KubeError else { return false }
                return status.code == 422 && status.reason == "Invalid"
                    && status.details?.causes.contains { $0.field == "spec.ports[0].port" } == true
            }
        }
    }

    @Test func listPagesThroughLabelSelectedObjects() async throws {
        try await TestCluster.with { cluster in
            for index in 0..<5 {
                _ = try await cluster.client.create(
                    Self.service("a\(index)", namespace: cluster.namespace, labels: ["set": "a"]))
            }
            for index in 0..<2 {
                _ = try await cluster.client.create(
                    Self.service("b\(index)", namespace: cluster.namespace, labels: ["set": "b"]))
            }
            let page = try await cluster.client.list(
                Service.self, namespace: cluster.namespace, options: ListOptions(labelSelector: "set=a", limit: 2))
            #expect(page.items.count == 2)
            #expect(page.metadata.continue?.isEmpty == false)

            let all = try await cluster.client.listAll(
                Service.self, namespace: cluster.namespace, options: ListOptions(labelSelector: "set in (a)"),
                pageSize: 2)
            #expect(all.items.map(\.metadata.name).sorted() == ["a0", "a1", "a2", "a3", "a4"])
            #expect(all.metadata.resourceVersion != nil)

            let byName = try await cluster.client.list(
                Service.self, namespace: cluster.namespace, options: ListOptions(fieldSelector: "metadata.name=b1"))
            #expect(byName.items.map(\.metadata.name) == ["b1"])
        }
    }

    @Test func mergePatchAndServerSideApplyChangeOnlyWhatTheySay() async throws {
        try await TestCluster.with { cluster in
            let created = try await cluster.client.create(
                Self.service("web", namespace: cluster.namespace, labels: ["keep": "yes"]))
            let merged = try await cluster.client.patch(
                Service.self, name: "web", namespace: cluster.namespace,
                patch: .merge(["metadata": ["labels": ["added": "1"]]]))
            #expect(merged.metadata.labels == ["keep": "yes", "added": "1"])
            #expect(merged.spec.clusterIP == created.spec.clusterIP)

            let applied = try await cluster.client.patch(
                Service.self, name: "web", namespace: cluster.namespace,
                patch: .apply(
                    [
                        "apiVersion": "v1", "kind": "Service",
                        "metadata": ["name": "web", "namespace": .string(cluster.namespace), "annotations": ["by": "apply"]],
                    ], fieldManager: "barrelman-test", force: true))
            #expect(applied.metadata.annotations["by"] == "apply")
            #expect(applied.metadata.labels["keep"] == "yes")
        }
    }

    @Test func deleteWithAWrongUIDPreconditionIsAConflict() async throws {
        try await TestCluster.with { cluster in
            _ = try await cluster.client.create(Self.service("web", namespace: cluster.namespace))
            await #expect {
                try await cluster.client.delete(
                    Service.self, name: "web", namespace: cluster.namespace,
                    options: DeleteOptions(preconditionUID: "00000000-0000-0000-0000-000000000000"))
            } throws: { ($0 as? KubeError)?.isConflict == true }
            _ = try await cluster.client.get(Service.self, name: "web", namespace: cluster.namespace)
        }
    }

    @Test func watchFromAListDeliversLaterChangesInOrder() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let list = try await client.list(Service.self, namespace: cluster.namespace)
            let stream = try await client.watch(
                Service.self, namespace: cluster.namespace,
                options: WatchOptions(resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 30))

            _ = try await client.create(Self.service("web", namespace: cluster.namespace))
            _ = try await client.patch(
                Service.self, name: "web", namespace: cluster.namespace, patch: .merge(["metadata": ["labels": ["x": "y"]]]))
            try await client.delete(Service.self, name: "web", namespace: cluster.namespace)

            var seen: [String] = []
            for try await event in stream {
                switch event {
                case .added(let service): seen.append("ADDED \(service.metadata.name)")
                case .modified(let service): seen.append("MODIFIED \(service.metadata.labels["x"] ?? "")")
                case .deleted(let service): seen.append("DELETED \(service.metadata.name)")
                case .bookmark: continue
                case .error(let status): Issue.record("unexpected watch error \(status)")
                case .unreadable(let object, _): Issue.record("unexpected unreadable object \(object)")
                }
                if seen.count == 3 { break }
            }
            #expect(seen == ["ADDED web", "MODIFIED y", "DELETED web"])
        }
    }
}
