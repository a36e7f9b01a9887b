import Controllers
import KubeAPI
import Testing

@Suite struct ServicePlannerTests {
    static let remote = Fixture.remote()
    static let ours = Fixture.mirrored(from: remote)

    enum Expected: Sendable {
        case none, create, update, delete, conflict
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var remote: Service?
        var local: Service?
        var settings: ControllerSettings = Fixture.settings
        var expected: Expected
    }

    static func changing(_ service: Service, _ change: (inout Service) -> Void) -> Service {
        var copy = service
        change(&copy)
        return copy
    }

    static let cases: [Case] = [
        Case(description: "qualifying remote, no local: create", remote: remote, local: nil, expected: .create),
        Case(description: "in sync: nothing", remote: remote, local: ours, expected: .none),
        Case(description: "nothing anywhere: nothing", remote: nil, local: nil, expected: .none),
        Case(description: "remote gone, ours: delete", remote: nil, local: ours, expected: .delete),
        Case(
            description: "remote ignored now, ours: delete",
            remote: Fixture.remote(annotations: ["tfw.io/barrelman": "ignore"]), local: ours, expected: .delete),
        Case(
            description: "remote ClusterIP now, ours: delete",
            remote: Fixture.remote(type: .clusterIP, ports: [ServicePort(name: "http", port: 80)]), local: ours,
            expected: .delete),
        Case(
            description: "namespace ignored now, ours: delete", remote: remote, local: ours,
            settings: Fixture.with { $0.ignoredNamespaces = ["shop"] }, expected: .delete),
        Case(
            description: "qualifying remote, not ours: a conflict, never touched", remote: remote,
            local: Fixture.local(label: nil), expected: .conflict),
        Case(
            description: "qualifying remote, labelled true (person's): a conflict, never touched", remote: remote,
            local: Fixture.local(label: "true"), expected: .conflict),
        Case(
            description: "remote gone, not ours: never touched", remote: nil, local: Fixture.local(label: nil),
            expected: .none),
        Case(
            description: "non-qualifying remote, no local: nothing",
            remote: Fixture.remote(annotations: ["tfw.io/barrelman": "ignore"]), local: nil, expected: .none),
        Case(
            description: "nodePort changed remotely: update",
            remote: Fixture.remote(ports: [ServicePort(name: "http", port: 80, nodePort: 31000)]), local: ours,
            expected: .update),
        Case(
            description: "port added remotely: update",
            remote: Fixture.remote(ports: [
                ServicePort(name: "http", port: 80, nodePort: 30080),
                ServicePort(name: "https", port: 443, nodePort: 30443),
            ]), local: ours, expected: .update),
        Case(
            description: "remote recreated (new uid): update the annotation",
            remote: Fixture.remote(uid: "remote-uid-2"),
            local: ours, expected: .update),
        Case(
            description: "mode switched to NodePort: update", remote: remote, local: ours,
            settings: Fixture.with { $0.createNodePortServices = true }, expected: .update),
        Case(
            description: "selector added locally: update", remote: remote,
            local: changing(ours) { $0.spec.selector = ["app": "x"] }, expected: .update),
        Case(
            description: "other labels and annotations added locally: nothing", remote: remote,
            local: changing(ours) {
                $0.metadata.labels["team"] = "a"
                $0.metadata.annotations["note"] = "b"
            }, expected: .none),
        Case(
            description: "local being deleted: wait", remote: remote,
            local: changing(ours) { $0.metadata.deletionTimestamp = "2026-01-01T00:00:00Z" }, expected: .none),
    ]

    @Test(arguments: cases)
    func plan(_ test: Case) {
        let action = planService(remote: test.remote, local: test.local, settings: test.settings)
        switch (action, test.expected) {
        case (.none, .none), (.create, .create), (.update, .update), (.delete, .delete), (.conflict, .conflict): break
        default: Issue.record("expected \(test.expected), planned \(action)")
        }
    }

    @Test func createCarriesTheDesiredService() {
        #expect(
            planService(remote: Self.remote, local: nil, settings: Fixture.settings)
                == .create(desiredLocalService(for: Self.remote, settings: Fixture.settings)))
    }

    @Test func deleteCarriesTheLocalUIDAsPrecondition() {
        #expect(
            planService(remote: nil, local: Self.ours, settings: Fixture.settings)
                == .delete(namespace: "shop", name: "web", uid: "local-uid-1"))
    }

    @Test func updateReplacesOurFieldsAndKeepsEverythingElse() throws {
        var local = Self.ours
        local.metadata.labels["team"] = "a"
        local.metadata.annotations["note"] = "b"
        local.spec.ports[0].appProtocol = "http"
        let remote = Fixture.remote(ports: [ServicePort(name: "http", port: 80, nodePort: 31000)], uid: "remote-uid-2")
        guard case .update(let updated) = planService(remote: remote, local: local, settings: Fixture.settings) else {
            Issue.record("expected an update")
            return
        }
        #expect(updated.metadata.resourceVersion == "42")
        #expect(updated.metadata.uid == "local-uid-1")
        #expect(updated.spec.clusterIP == "10.96.0.7")
        #expect(updated.spec.sessionAffinity == "None")
        #expect(updated.metadata.labels == ["tfw.io/barrelman": "managed-resource", "team": "a"])
        #expect(updated.metadata.annotations["note"] == "b")
        #expect(updated.metadata.annotations["barrelman.tfw.io/remote-uid"] == "remote-uid-2")
        #expect(
            updated.spec.ports == [
                ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(31000), appProtocol: "http")
            ])
        #expect(planService(remote: remote, local: updated, settings: Fixture.settings) == .none)
    }

    @Test func switchingBackToClusterIPDropsNodePorts() throws {
        let nodePortSettings = Fixture.with { $0.createNodePortServices = true }
        let local = Fixture.mirrored(from: Self.remote, settings: nodePortSettings)
        #expect(local.spec.ports.first?.nodePort == 30080)
        guard case .update(let updated) = planService(remote: Self.remote, local: local, settings: Fixture.settings)
        else {
            Issue.record("expected an update")
            return
        }
        #expect(updated.spec.type == .clusterIP)
        #expect(updated.spec.ports.allSatisfy { $0.nodePort == nil }, "the API rejects node ports on ClusterIP")
    }
}

@Suite struct OrphanedLocalServicesTests {
    @Test func oursWithoutAQualifyingRemoteAreOrphans() {
        let kept = Fixture.remote("kept")
        let ignored = Fixture.remote("ignored", annotations: ["tfw.io/barrelman": "ignore"])
        let local = [
            Fixture.mirrored(from: kept),
            Fixture.mirrored(from: Fixture.remote("gone")),
            Fixture.mirrored(from: ignored),
            Fixture.mirrored(from: Fixture.remote("also-gone", namespace: "a")),
            Fixture.local("persons", label: "true"),
            Fixture.local("unlabelled", label: nil),
        ]
        let orphans = orphanedLocalServices(local: local, remote: [kept, ignored], settings: Fixture.settings)
        #expect(
            orphans.map { "\($0.metadata.namespace ?? "")/\($0.metadata.name)" } == [
                "a/also-gone", "shop/gone", "shop/ignored",
            ])
    }

    @Test func sameNameInAnotherNamespaceIsNoMatch() {
        let local = [Fixture.mirrored(from: Fixture.remote("web", namespace: "shop"))]
        let remote = [Fixture.remote("web", namespace: "blog")]
        #expect(orphanedLocalServices(local: local, remote: remote, settings: Fixture.settings).count == 1)
    }
}
