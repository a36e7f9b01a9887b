import Foundation
import KubeAPI
import Testing

/// deploy/base (kustomize), deploy/overlays/remote-config and deploy/helm/barrelman must not drift from the
/// binary: their flags must parse (the remote-config ones with the remotes file they mount), and their RBAC
/// must grant exactly what the code does in the local cluster.
@Suite("deploy manifests match the code")
struct DeployDriftTests {
    static let deploy = PackageRoot.url.appendingPathComponent("deploy")
    static let helmChart = deploy.appendingPathComponent("helm/barrelman")
    static let remoteConfigOverlay = deploy.appendingPathComponent("overlays/remote-config")
    /// Where both mount the remotes file.
    static let mountedRemoteConfig = "/etc/barrelman/remotes.yaml"

    // MARK: flags

    @Test("the kustomize Deployment's args parse: the run fails on the missing kubeconfig, not the command line")
    func kustomizeArgs() async throws {
        let deployment = try Self.yamlMapping(Self.deploy.appendingPathComponent("base/deployment.yaml"))
        let args = try #require(Self.containerArgs(deployment), "no container args in deploy/base/deployment.yaml")
        #expect(!args.isEmpty)
        try await Self.expectParses(args, source: "deploy/base/deployment.yaml")
    }

    @Test("the Helm Deployment's args, rendered with values.yaml, parse")
    func helmArgs() async throws {
        let values = try Self.yamlMapping(Self.helmChart.appendingPathComponent("values.yaml"))
        let template = try String(contentsOf: Self.helmChart.appendingPathComponent("templates/deployment.yaml"), encoding: .utf8)
        let args = try Self.helmArgs(template: template, values: values)
        #expect(args.count >= 5, "args: \(args)")
        try await Self.expectParses(args, source: "helm templates/deployment.yaml")
    }

    @Test("kustomize and Helm pass the same contract flags")
    func sameFlags() throws {
        let deployment = try Self.yamlMapping(Self.deploy.appendingPathComponent("base/deployment.yaml"))
        let kustomize = Set((Self.containerArgs(deployment) ?? []).map(Self.flagName))
        let template = try String(contentsOf: Self.helmChart.appendingPathComponent("templates/deployment.yaml"), encoding: .utf8)
        let values = try Self.yamlMapping(Self.helmChart.appendingPathComponent("values.yaml"))
        let helm = Set(try Self.helmArgs(template: template, values: values).map(Self.flagName))
        // Helm names the Lease's namespace explicitly; kustomize leaves it to the pod's namespace.
        #expect(kustomize.subtracting(helm).isEmpty, "only in kustomize: \(kustomize.subtracting(helm))")
        #expect(helm.subtracting(kustomize).subtracting(["leader-elect-namespace"]).isEmpty,
            "only in helm: \(helm.subtracting(kustomize))")
    }

    // MARK: many remotes (-remote-config)

    static func overlayArgs() throws -> [String] {
        let patch = try Self.yamlMapping(Self.remoteConfigOverlay.appendingPathComponent("deployment-patch.yaml"))
        return try #require(Self.containerArgs(patch), "no container args in the remote-config overlay's patch")
    }

    static func overlayRemotesFile() throws -> String {
        try String(contentsOf: Self.remoteConfigOverlay.appendingPathComponent("remotes.yaml"), encoding: .utf8)
    }

    /// The chart's values with `remoteConfig.remotes` set to `remotes`.
    static func helmRemoteConfigValues(_ remotes: String) throws -> YAMLValue {
        var values = try #require(try Self.yamlMapping(Self.helmChart.appendingPathComponent("values.yaml")).mapping)
        var remoteConfig = try #require(values["remoteConfig"]?.mapping, "no remoteConfig in values.yaml")
        remoteConfig["remotes"] = .string(remotes)
        values["remoteConfig"] = .mapping(remoteConfig)
        return .mapping(values)
    }

    /// `expectParses` with the mounted remotes file's path replaced by a copy of `remotes` (validation reads it).
    static func expectParses(_ args: [String], remotes: String, source: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("remotes.yaml")
        try remotes.write(to: file, atomically: true, encoding: .utf8)
        #expect(args.contains("-remote-config=\(Self.mountedRemoteConfig)"), "\(source) args: \(args)")
        let local = args.map { $0 == "-remote-config=\(Self.mountedRemoteConfig)" ? "-remote-config=\(file.path)" : $0 }
        try await Self.expectParses(local, source: source)
    }

    @Test("the remote-config overlay's args parse with its remotes file, which the Secret it mounts holds")
    func overlayArgsAndMount() async throws {
        let args = try Self.overlayArgs()
        try await Self.expectParses(args, remotes: try Self.overlayRemotesFile(), source: "overlays/remote-config")
        let patch = try Self.yamlMapping(Self.remoteConfigOverlay.appendingPathComponent("deployment-patch.yaml"))
        let pod = patch["spec"]?["template"]?["spec"]
        let container = pod?["containers"]?.list?.first
        let mounts = container?["volumeMounts"]?.list ?? []
        let mount = try #require(mounts.first { $0["mountPath"]?.string == "/etc/barrelman" }, "nothing at /etc/barrelman")
        #expect(mount["subPath"] == nil, "a subPath mount never sees the Secret's updates, so no reload")
        let volume = pod?["volumes"]?.list?.first { $0["name"]?.string == mount["name"]?.string }
        let secretName = volume?["secret"]?["secretName"]?.string
        let kustomization = try Self.yamlMapping(Self.remoteConfigOverlay.appendingPathComponent("kustomization.yaml"))
        let generated = kustomization["secretGenerator"]?.list?.first { $0["name"]?.string == secretName }
        let listed = generated?["files"]?.list?.compactMap(\.string)
        let files = try #require(listed, "the mounted Secret \(secretName ?? "?") is not generated")
        let keys = Set(files.map { String($0.prefix { $0 != "=" }) })
        #expect(keys.contains("remotes.yaml"))
        // Every relative kubeconfig the file names is a key of the Secret, so it is in the mounted folder.
        for line in try Self.overlayRemotesFile().split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("kubeconfig:") else { continue }
            let path = trimmed.dropFirst("kubeconfig:".count).trimmingCharacters(in: .whitespaces)
            if !path.hasPrefix("/") { #expect(keys.contains(path), "\(path) is not in the Secret") }
        }
    }

    @Test("the Helm Deployment with remoteConfig.remotes set passes -remote-config, and its args parse")
    func helmRemoteConfigArgs() async throws {
        let remotes = try Self.overlayRemotesFile()
        let template = try String(contentsOf: Self.helmChart.appendingPathComponent("templates/deployment.yaml"), encoding: .utf8)
        let args = try Self.helmArgs(template: template, values: try Self.helmRemoteConfigValues(remotes))
        #expect(!args.contains { Self.flagName($0) == "remote-project" }, "the single remote's flags are left out")
        try await Self.expectParses(args, remotes: remotes, source: "helm templates/deployment.yaml (remoteConfig)")
        // The kustomize overlay and the chart run many remotes with the same flags.
        let overlay = Set(try Self.overlayArgs().map(Self.flagName))
        let helm = Set(args.map(Self.flagName)).subtracting(["leader-elect-namespace"])
        #expect(overlay == helm, "overlay: \(overlay.sorted()), helm: \(helm.sorted())")
        let mounted = try String(
            contentsOf: Self.helmChart.appendingPathComponent("templates/remote-config-secret.yaml"), encoding: .utf8)
        #expect(mounted.contains("remotes.yaml:"), "the chart's remote-config Secret holds remotes.yaml")
        #expect(template.contains("mountPath: /etc/barrelman"))
    }

    /// Runs the binary with `args` plus a missing local kubeconfig: exit 1 naming that file means every flag
    /// parsed and validated (a bad flag exits 2 first).
    static func expectParses(_ args: [String], source: String) async throws {
        let missing = "/nonexistent-\(UUID().uuidString)/local.kubeconfig"
        let result = try await BarrelmanBinary.run(args + ["-local-kubeconfig", missing])
        #expect(result.exitCode == 1, "\(source) args \(args) did not parse: \(result)")
        #expect(result.stderr.contains(missing), "\(result)")
    }

    static func flagName(_ argument: String) -> String {
        String(argument.drop { $0 == "-" }.prefix { $0 != "=" })
    }

    /// The args of the Deployment's first container.
    static func containerArgs(_ deployment: YAMLValue) -> [String]? {
        let containers = deployment["spec"]?["template"]?["spec"]?["containers"]?.list
        return containers?.first?["args"]?.list?.map { $0.scalarText ?? "\($0)" }
    }

    /// The `- -flag=...` lines under `args:`, with `{{ ... .Values.a.b }}` replaced from values.yaml (an empty
    /// required value gets a placeholder) and `.Release.Namespace` by `barrelman`; lines in the branch of an
    /// `{{- if .Values.x }} … {{- else }} … {{- end }}` that `values` does not take are left out, other
    /// template-only lines are skipped.
    static func helmArgs(template: String, values: YAMLValue) throws -> [String] {
        var args: [String] = []
        var inArgs = false
        // One entry per open `if`/`range`/`with`: whether its lines are rendered.
        var branches: [Bool] = []
        for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("{{- if ") || trimmed.hasPrefix("{{ if ") {
                let path = trimmed.split(separator: " ").first { $0.hasPrefix(".Values.") }
                branches.append(path.map { Self.isTruthy(Self.value(at: $0, in: values)) } ?? true)
                continue
            }
            if trimmed.hasPrefix("{{- else") || trimmed.hasPrefix("{{ else") {
                if let taken = branches.popLast() { branches.append(!taken) }
                continue
            }
            if trimmed.hasPrefix("{{- end") || trimmed.hasPrefix("{{ end") {
                _ = branches.popLast()
                continue
            }
            if trimmed.hasPrefix("{{- range") || trimmed.hasPrefix("{{- with") {
                branches.append(true)
                continue
            }
            guard branches.allSatisfy({ $0 }) else { continue }
            if trimmed == "args:" {
                inArgs = true
                continue
            }
            guard inArgs else { continue }
            if trimmed.hasPrefix("{{-") { continue }
            guard trimmed.hasPrefix("- ") else {
                if !trimmed.isEmpty { inArgs = false }
                continue
            }
            let argument = String(trimmed.dropFirst(2))
            guard argument.hasPrefix("-") else { continue }  // `- {{ . | quote }}` of extraArgs
            args.append(try render(argument, values: values))
        }
        return args
    }

    static func render(_ text: String, values: YAMLValue) throws -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            let close = try #require(rest[open.upperBound...].range(of: "}}"), "unclosed {{ in \(text)")
            let action = rest[open.upperBound..<close.lowerBound]
            if action.contains(".Release.Namespace") {
                result += "barrelman"
            } else if let path = action.split(separator: " ").first(where: { $0.hasPrefix(".Values.") }) {
                let value = try #require(Self.value(at: path, in: values), "\(path) is not in values.yaml")
                let string = try #require(value.scalarText, "\(path) is a list or a mapping")
                result += string.isEmpty ? "CHANGE-ME" : string
            } else {
                Issue.record("cannot render {{\(action)}} in \(text)")
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// The value at `.Values.a.b` in `values`.
    static func value(at path: Substring, in values: YAMLValue) -> YAMLValue? {
        var node: YAMLValue? = values
        for key in path.dropFirst(".Values.".count).split(separator: ".") {
            node = node?[String(key)]
        }
        return node
    }

    /// Helm's truth: not missing, false, zero, or empty.
    static func isTruthy(_ value: YAMLValue?) -> Bool {
        switch value {
        case nil, .null?: false
        case .bool(let flag)?: flag
        case .string(let text)?: !text.isEmpty
        case .int(let number)?: number != 0
        case .uint(let number)?: number != 0
        case .float(let number)?: number != 0
        case .list(let list)?: !list.isEmpty
        case .mapping(let map)?: !map.isEmpty
        }
    }

    /// The file's only document, which must be a mapping.
    static func yamlMapping(_ url: URL) throws -> YAMLValue {
        try yamlMapping(try String(contentsOf: url, encoding: .utf8), name: url.path)
    }

    static func yamlMapping(_ text: String, name: String) throws -> YAMLValue {
        let documents = try YAMLValue.documents(text)
        #expect(documents.count == 1, "\(name) holds \(documents.count) documents")
        let document = try #require(documents.first, "\(name) is empty")
        _ = try #require(document.mapping, "\(name) is not a YAML mapping")
        return document
    }

    // MARK: RBAC

    /// What barrelman does in the local cluster, as `group/resource: verbs`. Keep in step with
    /// Sources/Controllers/Runtime/LocalWriter.swift (every write), the local informers in
    /// Sources/Controllers/Runtime/Barrelman.swift (list, watch), EventRecorder.swift and
    /// Sources/KubeAPI/LeaderElection/LeaderElector.swift (the Lease, granted by the Role) and
    /// Sources/Controllers/Sharding/ReplicaHeartbeat.swift (the replicas' heartbeats: list, delete).
    static let clusterRoleGrants: Set<String> = grants([
        "/services": ["list", "watch", "create", "update", "delete"],
        "/endpoints": ["list", "watch", "create", "update", "delete"],
        "discovery.k8s.io/endpointslices": ["list", "watch", "create", "update", "delete"],
        "/namespaces": ["get", "create"],
        "/events": ["create"],
    ])
    static let roleGrants: Set<String> = grants([
        "coordination.k8s.io/leases": ["get", "list", "create", "update", "delete"]
    ])

    static func grants(_ table: [String: [String]]) -> Set<String> {
        Set(table.flatMap { resource, verbs in verbs.map { "\(resource):\($0)" } })
    }

    @Test(
        "the ClusterRole and the leader-election Role grant exactly what the code uses",
        arguments: [
            ("base/clusterrole.yaml", "ClusterRole"), ("base/role.yaml", "Role"),
            ("helm/barrelman/templates/clusterrole.yaml", "ClusterRole"), ("helm/barrelman/templates/role.yaml", "Role"),
        ])
    func rbac(file: String, kind: String) throws {
        // Helm template lines (`{{ ... }}`) are dropped: the rules themselves are plain YAML.
        let text = try String(contentsOf: Self.deploy.appendingPathComponent(file), encoding: .utf8)
            .split(separator: "\n").filter { !$0.contains("{{") }.joined(separator: "\n")
        let role = try Self.yamlMapping(text, name: file)
        #expect(role["kind"]?.string == kind)
        var granted: Set<String> = []
        func strings(_ value: YAMLValue?) -> [String] { value?.list?.compactMap(\.string) ?? [] }
        for rule in role["rules"]?.list ?? [] {
            for group in strings(rule["apiGroups"]) {
                for resource in strings(rule["resources"]) {
                    for verb in strings(rule["verbs"]) { granted.insert("\(group)/\(resource):\(verb)") }
                }
            }
        }
        let expected = kind == "Role" ? Self.roleGrants : Self.clusterRoleGrants
        #expect(granted.subtracting(expected).isEmpty, "\(file) grants more than the code uses: \(granted.subtracting(expected).sorted())")
        #expect(expected.subtracting(granted).isEmpty, "\(file) misses: \(expected.subtracting(granted).sorted())")
    }

    /// A rough grep: each granted verb has a client call (or informer) in the code that needs it, and the code
    /// that writes to the local cluster calls no verb the roles do not grant.
    @Test("every granted verb is used by the code, and the code uses no other verb")
    func grantsMatchSources() throws {
        let sources = PackageRoot.url.appendingPathComponent("Sources")
        func read(_ path: String) throws -> String {
            try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
        }
        let writer = try read("Controllers/Runtime/LocalWriter.swift")
        let recorder = try read("Controllers/Runtime/EventRecorder.swift")
        let elector = try read("KubeAPI/LeaderElection/LeaderElector.swift")
        let runtime = try read("Controllers/Runtime/LocalCluster.swift")

        // (grant, file, verb of the client call, text the call's arguments start with; "" = any call)
        let evidence: [(String, String, String, String)] = [
            ("/services:create", writer, "create", "service"), ("/services:update", writer, "update", "service"),
            ("/services:delete", writer, "delete", "Service.self"),
            ("/endpoints:create", writer, "create", "endpoints"), ("/endpoints:update", writer, "update", "endpoints"),
            ("/endpoints:delete", writer, "delete", "Endpoints.self"),
            ("discovery.k8s.io/endpointslices:create", writer, "create", "slice"),
            ("discovery.k8s.io/endpointslices:update", writer, "update", "slice"),
            ("discovery.k8s.io/endpointslices:delete", writer, "delete", "EndpointSlice.self"),
            ("/namespaces:get", writer, "get", "Namespace.self"), ("/namespaces:create", writer, "create", "Namespace("),
            ("/events:create", recorder, "create", ""),
            ("coordination.k8s.io/leases:get", elector, "get", "Lease.self"),
            ("coordination.k8s.io/leases:create", elector, "create", ""),
            ("coordination.k8s.io/leases:update", elector, "update", ""),
        ]
        for (grant, file, verb, argumentPrefix) in evidence {
            let calls = Self.clientCalls(verb, in: file)
            #expect(calls.contains { $0.hasPrefix(argumentPrefix) }, "no client.\(verb)(\(argumentPrefix)…) for \(grant)")
        }
        // Local informers list and watch.
        for (grant, informer) in [
            ("/services", "services: Informer<Service>"), ("/endpoints", "endpoints: Informer<Endpoints>"),
            ("discovery.k8s.io/endpointslices", "slices: Informer<EndpointSlice>"),
        ] {
            #expect(runtime.contains(informer), "no \(informer) in LocalCluster.swift for \(grant):list,watch")
        }
        let allGrants = Self.clusterRoleGrants.union(Self.roleGrants)
        let grantedVerbs = Set(allGrants.compactMap { $0.split(separator: ":").last.map(String.init) })
        for verb in ["get", "list", "listAll", "watch", "create", "update", "patch", "delete"] {
            for file in [writer, recorder, elector] where !Self.clientCalls(verb, in: file).isEmpty {
                #expect(grantedVerbs.contains(verb == "listAll" ? "list" : verb), "the code calls client.\(verb) but no role grants it")
            }
        }
    }

    /// The text after each `client.VERB(` in `source`, with whitespace trimmed (a call may wrap).
    /// The arguments of every `client.VERB(` and `client.VERBIgnoringResponse(` call.
    static func clientCalls(_ verb: String, in source: String) -> [String] {
        ["client.\(verb)(", "client.\(verb)IgnoringResponse("].flatMap { call in
            source.components(separatedBy: call).dropFirst().map {
                String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(80))
            }
        }
    }
}
