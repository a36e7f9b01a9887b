import Controllers
import KubeAPI

/// Whether each cluster grants what barrelman does there, asked per verb with SelfSubjectAccessReviews: the
/// server's own authorizer answers, so RBAC, webhooks and aggregated roles all count, and nothing is written.
enum AccessCheck {
    static func remote(client: KubeClient, provider: String) async -> CheckResult {
        let fix =
            "bind a ClusterRole with list and watch on nodes, services and endpointslices.discovery.k8s.io to the remote identity"
            + (provider == "gke" ? " (on GKE: roles/container.viewer)" : " (README, eks provider: barrelman-remote-reader)")
        return await check("remote permissions", needs: RequiredAccess.remote, client: client) { missing in
            // Without EndpointSlices only externalTrafficPolicy: Local services wait; everything else works.
            missing.allSatisfy { $0.resource == "endpointslices" } ? .warn : .fail
        } fix: { _ in
            fix
        }
    }

    static func local(
        client: KubeClient, settings: ControllerSettings, leaseNamespace: String, leaderElection: Bool
    ) async -> CheckResult {
        let needs = RequiredAccess.local(settings: settings, leaseNamespace: leaseNamespace, leaderElection: leaderElection)
        return await check("local permissions", needs: needs, client: client) { _ in .fail } fix: { missing in
            var fixes: [String] = []
            let clusterRole = missing.filter { $0.resource != "leases" }
            if !clusterRole.isEmpty {
                fixes.append(
                    "grant \(rules(clusterRole)) in barrelman's ClusterRole (deploy/base/clusterrole.yaml)"
                        + (settings.allowedNamespaces.isEmpty ? "" : ", or in a RoleBinding in each namespace named"))
            }
            if missing.contains(where: { $0.resource == "leases" }) {
                fixes.append(
                    "grant \(leaseVerbsMissing(missing)) on leases.coordination.k8s.io in namespace \(leaseNamespace) "
                        + "(deploy/base/role.yaml), or set -leader-elect-namespace")
            }
            return fixes.joined(separator: "; ")
        }
    }

    private static func check(
        _ name: String, needs: [AccessNeed], client: KubeClient, severity: ([AccessNeed]) -> CheckResult.Status,
        fix: ([AccessNeed]) -> String
    ) async -> CheckResult {
        let answers = await review(needs, client: client)
        var missing: [AccessNeed] = []
        for (need, answer) in zip(needs, answers) {
            switch answer {
            case .success(true): continue
            case .success(false): missing.append(need)
            case .failure(let error):
                return .warn(
                    name, "cannot ask the server (\(need.description)): \(error.description)",
                    fix: "allow create on selfsubjectaccessreviews.authorization.k8s.io "
                        + "(the default system:basic-user ClusterRole grants it to every authenticated user)")
            }
        }
        guard !missing.isEmpty else { return .pass(name, "all \(needs.count) verbs granted") }
        let detail = "lacks " + missing.map(\.description).joined(separator: ", ")
            + " (\(needs.count - missing.count) of \(needs.count) granted)"
        let status = severity(missing)
        return CheckResult(name: name, status: status, detail: detail, fix: fix(missing))
    }

    /// One review per need, a few at a time, answers in the needs' order.
    static func review(_ needs: [AccessNeed], client: KubeClient) async -> [Result<Bool, KubeError>] {
        var answers = [Result<Bool, KubeError>?](repeating: nil, count: needs.count)
        let width = 8
        for start in stride(from: 0, to: needs.count, by: width) {
            await withTaskGroup(of: (Int, Result<Bool, KubeError>).self) { group in
                for index in start..<min(start + width, needs.count) {
                    let need = needs[index]
                    group.addTask {
                        let question = SelfSubjectAccessReview(
                            verb: need.verb, resource: need.resource, group: need.group, namespace: need.namespace)
                        do throws(KubeError) {
                            let answer = try await client.create(question)
                            return (index, .success(answer.status?.allowed ?? false))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                for await (index, answer) in group { answers[index] = answer }
            }
        }
        return answers.map { $0 ?? .success(false) }
    }

    /// `{apiGroups: [""], resources: [services], verbs: [create, delete]}` rules for what is missing.
    static func rules(_ missing: [AccessNeed]) -> String {
        var verbs: [String: [String]] = [:]
        var order: [String] = []
        for need in missing {
            let key = "\(need.group)|\(need.resource)"
            if verbs[key] == nil { order.append(key) }
            if !(verbs[key]?.contains(need.verb) ?? false) { verbs[key, default: []].append(need.verb) }
        }
        return order.map { key in
            let parts = key.split(separator: "|", omittingEmptySubsequences: false)
            return "{apiGroups: [\"\(parts[0])\"], resources: [\(parts[1])], verbs: [\((verbs[key] ?? []).joined(separator: ", "))]}"
        }.joined(separator: ", ")
    }

    private static func leaseVerbsMissing(_ missing: [AccessNeed]) -> String {
        missing.filter { $0.resource == "leases" }.map(\.verb).joined(separator: ", ")
    }
}
