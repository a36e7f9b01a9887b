import Controllers
import KubeAPI
import Testing

/// Who owns what: one instance per remote cluster identity and namespace scope, the first owner keeps a name.
@Suite struct OwnershipTests {
    static let identity = "kubeconfig/https://remote-a:6443"

    static func ownership(allowed: Set<String> = [], ignored: Set<String> = []) -> Ownership {
        Ownership(identity: identity, scope: NamespaceScope(allowed: allowed, ignored: ignored))
    }

    static func meta(namespace: String = "a", writer: String?, scope: String? = nil) -> ObjectMeta {
        var annotations: [String: String] = [:]
        if let writer { annotations[BarrelmanLabels.remoteClusterAnnotation] = writer }
        if let scope { annotations[BarrelmanLabels.scopeAnnotation] = scope }
        return ObjectMeta(name: "web", namespace: namespace, annotations: annotations)
    }

    // MARK: scope

    @Test(arguments: [
        (NamespaceScope(), "*"), (NamespaceScope(ignored: ["kube-system"]), "*,!kube-system"),
        (NamespaceScope(allowed: ["b", "a"]), "a,b"), (NamespaceScope(allowed: ["a", "x"], ignored: ["x"]), "a"),
    ])
    func scopeAnnotationRoundTrips(scope: NamespaceScope, text: String) {
        #expect(scope.annotationValue == text)
        let read = NamespaceScope(annotationValue: text)
        #expect(read?.annotationValue == text)
    }

    @Test(arguments: ["", ",", "a,*", "*,b", "!a"])
    func malformedScopeAnnotationsAreNotScopes(text: String) {
        #expect(NamespaceScope(annotationValue: text) == nil)
    }

    @Test(arguments: [
        (NamespaceScope(allowed: ["a"]), NamespaceScope(allowed: ["b"]), false),
        (NamespaceScope(allowed: ["a", "b"]), NamespaceScope(allowed: ["b"]), true),
        (NamespaceScope(), NamespaceScope(allowed: ["b"]), true),
        (NamespaceScope(ignored: ["b"]), NamespaceScope(allowed: ["b"]), false),
        (NamespaceScope(ignored: ["kube-system"]), NamespaceScope(ignored: ["x"]), true),
    ])
    func scopesOverlapWhenSomeNamespaceIsInBoth(one: NamespaceScope, other: NamespaceScope, overlap: Bool) {
        #expect(one.overlaps(other) == overlap)
        #expect(other.overlaps(one) == overlap)
    }

    // MARK: claims

    struct ClaimCase: Sendable, CustomStringConvertible {
        var description: String
        var meta: ObjectMeta
        var claim: LocalClaim
    }

    static let claimCases: [ClaimCase] = [
        ClaimCase(description: "no writer recorded (the original's): unclaimed", meta: meta(writer: nil), claim: .unclaimed),
        ClaimCase(
            description: "another remote's: foreign", meta: meta(writer: "gke/p/z/other", scope: "*"),
            claim: .foreign("gke/p/z/other")),
        ClaimCase(description: "ours, in scope: ours", meta: meta(writer: identity, scope: "a"), claim: .ours),
        ClaimCase(
            description: "ours, in a namespace that left our scope: ours (cleaned up)",
            meta: meta(namespace: "b", writer: identity, scope: "a,b"), claim: .ours),
        ClaimCase(
            description: "our remote, written by an instance of a disjoint scope: a sibling's",
            meta: meta(namespace: "b", writer: identity, scope: "b"), claim: .sibling),
        ClaimCase(
            description: "a writer but no scope (a barrelman from before ownership): unclaimed",
            meta: meta(namespace: "b", writer: "kind-remote"), claim: .unclaimed),
        ClaimCase(
            description: "our remote, outside our scope, an unreadable scope: ours",
            meta: meta(namespace: "b", writer: identity, scope: "!"), claim: .ours),
    ]

    @Test(arguments: claimCases)
    func claims(_ test: ClaimCase) {
        #expect(Self.ownership(allowed: ["a"]).claim(test.meta) == test.claim)
    }

    // MARK: mirrors

    static func settings(allowed: Set<String>, id: String = identity) -> ControllerSettings {
        ControllerSettings(allowedNamespaces: allowed, remoteClusterID: id)
    }

    @Test func aMirrorOfAnotherRemoteIsAConflictNeverAWrite() {
        let remote = Fixture.remote()
        let theirs = Fixture.mirrored(from: remote, settings: Self.settings(allowed: [], id: "gke/p/z/other"))
        guard case .conflict(let holder) = planService(remote: remote, local: theirs, settings: Self.settings(allowed: []))
        else {
            Issue.record("expected a conflict")
            return
        }
        #expect(holder == "the barrelman instance of remote cluster gke/p/z/other")
        #expect(planService(remote: nil, local: theirs, settings: Self.settings(allowed: [])) == .none)
    }

    @Test func aSiblingsMirrorOutsideOurScopeIsNeverAnOrphan() {
        let remote = Fixture.remote(namespace: "b")
        let siblings = Fixture.mirrored(from: remote, settings: Self.settings(allowed: ["b"]))
        #expect(planService(remote: remote, local: siblings, settings: Self.settings(allowed: ["a"])) == .none)
        #expect(planService(remote: nil, local: siblings, settings: Self.settings(allowed: ["a"])) == .none)
        #expect(
            orphanedLocalServices(local: [siblings], remote: [], settings: Self.settings(allowed: ["a"])).isEmpty)
    }

    @Test func ourMirrorInANamespaceThatLeftOurScopeIsDeleted() {
        let remote = Fixture.remote(namespace: "b")
        let ours = Fixture.mirrored(from: remote, settings: Self.settings(allowed: ["a", "b"]))
        #expect(
            planService(remote: remote, local: ours, settings: Self.settings(allowed: ["a"]))
                == .delete(namespace: "b", name: "web", uid: "local-uid-1"))
    }

    @Test func theOriginalsMirrorIsAdoptedWhenItsRemoteQualifiesAndNeverDeleted() throws {
        let remote = Fixture.remote()
        var original = Fixture.mirrored(from: remote)
        original.metadata.annotations = [:]
        guard case .update(let adopted) = planService(remote: remote, local: original, settings: Fixture.settings)
        else {
            Issue.record("expected an update")
            return
        }
        #expect(Fixture.settings.ownership.claim(adopted.metadata) == .ours)
        #expect(planService(remote: nil, local: original, settings: Fixture.settings) == .none)
    }

    // MARK: endpoints

    struct DutyCase: Sendable, CustomStringConvertible {
        var description: String
        var service: Service?
        var slices: [EndpointSlice] = []
        var duty: EndpointDuty
    }

    static func person(namespace: String = "shop", annotation: String? = nil) -> Service {
        var service = Fixture.local(namespace: namespace)
        service.metadata.annotations[BarrelmanLabels.remoteClusterAnnotation] = annotation
        return service
    }

    static func slice(writer: String?, scope: String? = nil) -> EndpointSlice {
        var slice = desiredEndpointSlices(for: Fixture.local(), nodes: NodeAddressSet(), settings: Fixture.settings)[0]
        slice.metadata.annotations = meta(writer: writer, scope: scope).annotations
        return slice
    }

    static let dutyCases: [DutyCase] = [
        DutyCase(description: "service gone or its label removed: release", service: nil, duty: .release),
        DutyCase(
            description: "label changed to something else: release", service: Fixture.local(label: "something"),
            duty: .release),
        DutyCase(description: "our mirror: serve", service: Fixture.mirrored(from: Fixture.remote()), duty: .serve),
        DutyCase(
            description: "another remote's mirror: release (it serves its own)",
            service: Fixture.mirrored(
                from: Fixture.remote(), settings: ControllerSettings(remoteClusterID: "gke/p/z/other")),
            duty: .release),
        DutyCase(description: "a person's service: serve", service: person(), duty: .serve),
        DutyCase(
            description: "a person's service naming us: serve", service: person(annotation: "remote-a"), duty: .serve),
        DutyCase(
            description: "a person's service naming another remote: release",
            service: person(annotation: "gke/p/z/other"), duty: .release),
        DutyCase(
            description: "a person's service whose endpoints another instance wrote first: conflict",
            service: person(), slices: [slice(writer: "gke/p/z/other", scope: "*")],
            duty: .conflict(holder: "the barrelman instance of remote cluster gke/p/z/other")),
        DutyCase(
            description: "a person's service with a selector: Kubernetes serves it from its pods, a conflict",
            service: { var service = person(); service.spec.selector = ["app": "web"]; return service }(),
            duty: .conflict(holder: "Kubernetes' endpoint controllers, as the service has a selector (remove it)")),
        DutyCase(
            description: "a person's service with the original's unclaimed slices: serve (adopt)",
            service: person(), slices: [slice(writer: nil)], duty: .serve),
    ]

    @Test(arguments: dutyCases)
    func endpointDuties(_ test: DutyCase) {
        let duty = endpointDuty(
            service: test.service, existingSlices: test.slices, existingEndpoints: nil, settings: Fixture.settings)
        #expect(duty == test.duty)
    }

    @Test func aPersonsServiceOutsideTheAllowlistIsNotServed() {
        let settings = Fixture.with { $0.allowedNamespaces = ["other"] }
        #expect(endpointDuty(service: Self.person(), existingSlices: [], existingEndpoints: nil, settings: settings) == .release)
    }

    @Test func slicesOfOtherWritersAreNeverTouchedAndReleasingDeletesOnlyOurs() {
        let ours = Self.slice(writer: "remote-a", scope: "*,!kube-system")
        var theirs = Self.slice(writer: "gke/p/z/other", scope: "*")
        theirs.metadata.name = "web-barrelman-ipv4-1"
        let release = planEndpointSlices(desired: [], existing: [ours, theirs], ownership: Fixture.settings.ownership)
        #expect(release.delete.map(\.metadata.name) == ["web-barrelman-ipv4-0"])
        #expect(release.create.isEmpty && release.update.isEmpty)
    }

    @Test func unclaimedSlicesAreAdoptedByAnUpdateThatRecordsTheWriter() throws {
        let desired = desiredEndpointSlices(for: Fixture.local(), nodes: NodeAddressSet(), settings: Fixture.settings)
        let plan = planEndpointSlices(
            desired: desired, existing: [Self.slice(writer: nil)], ownership: Fixture.settings.ownership)
        let adopted = try #require(plan.update.first)
        #expect(Fixture.settings.ownership.isRecorded(on: adopted.metadata))
        #expect(plan.create.isEmpty && plan.delete.isEmpty)
    }
}

/// Instances for different remotes or scopes in one local namespace each hold a Lease of their own.
@Suite struct LeaseNameTests {
    @Test func oneLeasePerRemoteIdentityAndScope() {
        let base = ControllerSettings(allowedNamespaces: ["a"], remoteClusterID: "gke/p/z/one")
        var otherRemote = base
        otherRemote.remoteClusterID = "gke/p/z/two"
        var otherScope = base
        otherScope.allowedNamespaces = ["b"]
        #expect(Set([base.leaseName, otherRemote.leaseName, otherScope.leaseName]).count == 3)
        #expect(base.leaseName == ControllerSettings(allowedNamespaces: ["a"], remoteClusterID: "gke/p/z/one").leaseName)
        #expect(base.leaseName.count == 26 && base.leaseName.hasPrefix("barrelman-"))
        #expect(EndpointSliceNaming.isValidDNSSubdomain(base.leaseName))
    }
}
