import Controllers
import Providers
import Testing

/// `-remote-config`: what each valid shape gives, and the one line each bad one gets.
@Suite struct RemoteConfigParserTests {
    static let path = "/etc/barrelman/remotes.yaml"
    static let prefix = "remote-config /etc/barrelman/remotes.yaml: "

    static func parse(_ text: String) throws(RemoteConfigError) -> [RemoteSpec] {
        try RemoteConfigParser(path: path).parse(text)
    }

    static func kubeconfig(_ path: String, context: String? = nil) -> ProviderFlags {
        ProviderFlags(remoteProvider: "kubeconfig", remoteKubeconfig: path, remoteContext: context)
    }

    // MARK: valid shapes

    struct Valid: Sendable, CustomStringConvertible {
        var description: String
        var text: String
        var specs: [RemoteSpec]
    }

    static let issueExample = """
        remotes:
          - name: west              # unique, used in logs, metrics and Lease names
            provider: kubeconfig    # kubeconfig | gke | eks
            kubeconfig: /etc/barrelman/west.yaml
            context: west-admin     # optional
            id: kubeconfig/west     # optional; the provider's identity otherwise, as -remote-cluster-id
          - name: east
            provider: gke
            project: my-project
            zone: europe-west1-c
            cluster-name: east
            credentials: /var/run/secrets/google/key.json   # optional
          - name: aws
            provider: eks
            eks-cluster-name: prod
            eks-region: eu-west-1
            eks-role-arn: arn:aws:iam::123456789012:role/barrelman   # optional
        """

    static let issueExampleSpecs = [
        RemoteSpec(
            name: "west", providerFlags: kubeconfig("/etc/barrelman/west.yaml", context: "west-admin"),
            overrides: RemoteSettingsOverrides(remoteClusterID: "kubeconfig/west")),
        RemoteSpec(
            name: "east",
            providerFlags: ProviderFlags(
                remoteProvider: "gke", remoteProject: "my-project", remoteZone: "europe-west1-c", remoteClusterName: "east",
                remoteCredentials: "/var/run/secrets/google/key.json")),
        RemoteSpec(
            name: "aws",
            providerFlags: ProviderFlags(
                remoteProvider: "eks", eksClusterName: "prod", eksRegion: "eu-west-1",
                eksRoleARN: "arn:aws:iam::123456789012:role/barrelman")),
    ]

    static let valid: [Valid] = [
        Valid(description: "the issue's example", text: issueExample, specs: issueExampleSpecs),
        Valid(
            description: "the optional fields left out",
            text: """
                remotes:
                  - {name: west, provider: kubeconfig, kubeconfig: /k/west.yaml}
                  - {name: east, provider: gke, project: p, zone: europe-west1, cluster-name: east}
                  - {name: aws, provider: eks, eks-cluster-name: prod}
                """,
            specs: [
                RemoteSpec(name: "west", providerFlags: kubeconfig("/k/west.yaml")),
                RemoteSpec(
                    name: "east",
                    providerFlags: ProviderFlags(
                        remoteProvider: "gke", remoteProject: "p", remoteZone: "europe-west1", remoteClusterName: "east")),
                RemoteSpec(name: "aws", providerFlags: ProviderFlags(remoteProvider: "eks", eksClusterName: "prod")),
            ]),
        Valid(
            description: "relative paths are resolved against the file's folder",
            text: """
                remotes:
                  - {name: a, provider: kubeconfig, kubeconfig: west.yaml}
                  - {name: b, provider: kubeconfig, kubeconfig: ./clusters/b.yaml}
                  - {name: c, provider: gke, project: p, zone: z, cluster-name: c, credentials: keys/c.json}
                """,
            specs: [
                RemoteSpec(name: "a", providerFlags: kubeconfig("/etc/barrelman/west.yaml")),
                RemoteSpec(name: "b", providerFlags: kubeconfig("/etc/barrelman/clusters/b.yaml")),
                RemoteSpec(
                    name: "c",
                    providerFlags: ProviderFlags(
                        remoteProvider: "gke", remoteProject: "p", remoteZone: "z", remoteClusterName: "c",
                        remoteCredentials: "/etc/barrelman/keys/c.json")),
            ]),
        Valid(
            description: "every per-remote setting",
            text: """
                remotes:
                  - name: west
                    provider: kubeconfig
                    kubeconfig: /k/west.yaml
                    namespaces: [shop, blog]
                    ignore-namespaces: [-kube-system, monitoring]
                    nodes-per-service: 25
                    require-export: true
                    priority: 1
                  - name: east
                    provider: kubeconfig
                    kubeconfig: /k/east.yaml
                    namespaces: []
                    ignore-namespaces: []
                    nodes-per-service: 0
                    require-export: no       # go-yaml v2: a boolean
                    priority: -2
                """,
            specs: [
                RemoteSpec(
                    name: "west", providerFlags: kubeconfig("/k/west.yaml"),
                    overrides: RemoteSettingsOverrides(
                        allowedNamespaces: ["shop", "blog"], ignoredNamespaces: ["monitoring"], nodesPerService: 25,
                        requireExport: true, priority: 1)),
                RemoteSpec(
                    name: "east", providerFlags: kubeconfig("/k/east.yaml"),
                    overrides: RemoteSettingsOverrides(
                        allowedNamespaces: [], ignoredNamespaces: ["kube-system"], nodesPerService: 0,
                        requireExport: false, priority: -2)),
            ]),
        Valid(
            description: "the provider's other flags",
            text: """
                remotes:
                  - name: east
                    provider: gke
                    project: p
                    zone: z
                    cluster-name: east
                    gke-api-endpoint: https://container.example
                    gke-use-private-endpoint: true
                  - name: aws
                    provider: eks
                    eks-cluster-name: prod
                    eks-api-endpoint: https://eks.example
                    sts-endpoint: https://sts.example
                """,
            specs: [
                RemoteSpec(
                    name: "east",
                    providerFlags: ProviderFlags(
                        remoteProvider: "gke", remoteProject: "p", remoteZone: "z", remoteClusterName: "east",
                        gkeAPIEndpoint: "https://container.example", gkeUsePrivateEndpoint: true)),
                RemoteSpec(
                    name: "aws",
                    providerFlags: ProviderFlags(
                        remoteProvider: "eks", eksClusterName: "prod", eksAPIEndpoint: "https://eks.example",
                        stsEndpoint: "https://sts.example")),
            ]),
        Valid(
            description: "null and empty optional fields are unset",
            text: """
                remotes:
                  - name: west
                    provider: kubeconfig
                    kubeconfig: /k/west.yaml
                    context:
                    id: ~
                    namespaces: null
                    priority:
                """,
            specs: [RemoteSpec(name: "west", providerFlags: kubeconfig("/k/west.yaml"))]),
        Valid(
            description: "anchors and merge keys share settings",
            text: """
                remotes:
                  - &west {name: west, provider: kubeconfig, kubeconfig: /k/west.yaml, require-export: true}
                  - <<: *west
                    name: east
                    kubeconfig: /k/east.yaml
                """,
            specs: [
                RemoteSpec(
                    name: "west", providerFlags: kubeconfig("/k/west.yaml"),
                    overrides: RemoteSettingsOverrides(requireExport: true)),
                RemoteSpec(
                    name: "east", providerFlags: kubeconfig("/k/east.yaml"),
                    overrides: RemoteSettingsOverrides(requireExport: true)),
            ]),
        Valid(
            description: "JSON is YAML",
            text: #"{"remotes": [{"name": "west", "provider": "kubeconfig", "kubeconfig": "/k/west.yaml", "priority": 3}]}"#,
            specs: [
                RemoteSpec(
                    name: "west", providerFlags: kubeconfig("/k/west.yaml"),
                    overrides: RemoteSettingsOverrides(priority: 3))
            ]),
        Valid(description: "no remotes, said explicitly", text: "remotes: []\n", specs: []),
    ]

    @Test(arguments: valid)
    func validShape(_ test: Valid) throws {
        #expect(try Self.parse(test.text) == test.specs)
    }

    // MARK: invalid files, one line each

    struct Invalid: Sendable, CustomStringConvertible {
        var description: String
        var text: String
        var message: String
    }

    /// One kubeconfig remote named west, with `extra` lines added to it.
    static func west(_ extra: String = "") -> String {
        "remotes:\n  - name: west\n    provider: kubeconfig\n    kubeconfig: /k/west.yaml\n" + extra
    }

    static let gkeTakes =
        "name, provider, id, project, zone, cluster-name, credentials, gke-api-endpoint, gke-use-private-endpoint, "
        + "namespaces, ignore-namespaces, nodes-per-service, require-export, priority"

    static let invalid: [Invalid] = [
        Invalid(
            description: "an empty file", text: "",
            message: "the file is empty; it needs a \"remotes:\" list of remotes"),
        Invalid(
            description: "a list at the top", text: "- name: west\n",
            message: "the top level is a list; it must be a mapping with a \"remotes:\" list"),
        Invalid(
            description: "another top-level field", text: "version: 1\nremotes: []\n",
            message: "field \"version\" (line 1): unknown; the file has only \"remotes:\", a list of remotes"),
        Invalid(
            description: "remotes left empty", text: "remotes:\n",
            message: "field \"remotes\" (line 1): missing or empty; list the remotes under it (remotes: [] for none)"),
        Invalid(
            description: "remotes as a mapping", text: "remotes: {west: {}}\n",
            message: "field \"remotes\" (line 1): is a mapping; it must be a list of remotes (- name: ...)"),
        Invalid(
            description: "an entry that is not a mapping", text: "remotes:\n  - west\n",
            message: "remotes[0]: is a string (line 2); each remote is a mapping with name, provider and the provider's fields"),
        Invalid(
            description: "no name", text: "remotes:\n  - provider: kubeconfig\n    kubeconfig: /k/west.yaml\n",
            message: "remotes[0]: field \"name\": missing; give each remote a unique name (lowercase letters, digits and -)"),
        Invalid(
            description: "a name that is not a DNS label", text: "remotes:\n  - name: West_1\n    provider: kubeconfig\n",
            message: "remotes[0]: field \"name\" (line 2): \"West_1\" is not a DNS-1123 label (lowercase letters, digits and -, up to 63, starting and ending with a letter or digit); it names the remote's Lease and metrics"),
        Invalid(
            description: "a name that is a boolean", text: "remotes:\n  - name: yes\n",
            message: "remotes[0]: field \"name\" (line 2): is true or false, not a string; put it in quotes to make it a string"),
        Invalid(
            description: "no provider", text: "remotes:\n  - name: west\n    kubeconfig: /k/west.yaml\n",
            message: "remotes[0] (west): field \"provider\": missing; use one of kubeconfig, gke, eks"),
        Invalid(
            description: "an unknown provider", text: "remotes:\n  - name: west\n    provider: aks\n",
            message: "remotes[0] (west): field \"provider\" (line 3): \"aks\" is not a provider; use one of kubeconfig, gke, eks"),
        Invalid(
            description: "an unknown field",
            text: "remotes:\n  - name: east\n    provider: gke\n    project: p\n    zoen: z\n    cluster-name: east\n",
            message: "remotes[0] (east): field \"zoen\" (line 5): unknown; a gke remote takes \(gkeTakes)"),
        Invalid(
            description: "a flag's name", text: "remotes:\n  - name: east\n    provider: gke\n    remote-project: p\n",
            message: "remotes[0] (east): field \"remote-project\" (line 4): unknown; did you mean \"project\"? a gke remote takes \(gkeTakes)"),
        Invalid(
            description: "another provider's field",
            text: "remotes:\n  - name: aws\n    provider: eks\n    eks-cluster-name: prod\n    project: p\n",
            message: "remotes[0] (aws): field \"project\" (line 5): belongs to provider gke, not eks; remove it, or set provider: gke"),
        Invalid(
            description: "a required field missing (the issue's example line)",
            text: west() + "  - name: east\n    provider: gke\n    project: p\n    cluster-name: east\n",
            message: "remotes[1] (east): field \"zone\": required for provider gke"),
        Invalid(
            description: "a kubeconfig remote without its kubeconfig", text: "remotes:\n  - name: west\n    provider: kubeconfig\n",
            message: "remotes[0] (west): field \"kubeconfig\": required for provider kubeconfig"),
        Invalid(
            description: "an eks remote without its cluster", text: "remotes:\n  - name: aws\n    provider: eks\n",
            message: "remotes[0] (aws): field \"eks-cluster-name\": required for provider eks"),
        Invalid(
            description: "a required field empty", text: "remotes:\n  - name: west\n    provider: kubeconfig\n    kubeconfig: \"\"\n",
            message: "remotes[0] (west): field \"kubeconfig\" (line 4): is empty; required for provider kubeconfig"),
        Invalid(
            description: "a number where a string goes",
            text: "remotes:\n  - name: east\n    provider: gke\n    project: 12345\n    zone: z\n    cluster-name: east\n",
            message: "remotes[0] (east): field \"project\" (line 4): is a number, not a string; put it in quotes to make it a string"),
        Invalid(
            description: "a list where a string goes", text: west("    context: [a]\n"),
            message: "remotes[0] (west): field \"context\" (line 5): is a list, not a string"),
        Invalid(
            description: "negative nodes-per-service", text: west("    nodes-per-service: -1\n"),
            message: "remotes[0] (west): field \"nodes-per-service\" (line 5): is -1; use 0 (every node) or more"),
        Invalid(
            description: "nodes-per-service quoted", text: west("    nodes-per-service: \"3\"\n"),
            message: "remotes[0] (west): field \"nodes-per-service\" (line 5): is a string; use a whole number, without quotes"),
        Invalid(
            description: "a fractional priority", text: west("    priority: 1.5\n"),
            message: "remotes[0] (west): field \"priority\" (line 5): is 1.5, not a whole number"),
        Invalid(
            description: "a priority too large", text: west("    priority: 18446744073709551615\n"),
            message: "remotes[0] (west): field \"priority\" (line 5): is too large; use a whole number that fits in 64 bits"),
        Invalid(
            description: "require-export quoted", text: west("    require-export: \"true\"\n"),
            message: "remotes[0] (west): field \"require-export\" (line 5): is a string; use true or false, without quotes"),
        Invalid(
            description: "namespaces as one string", text: west("    namespaces: shop\n"),
            message: "remotes[0] (west): field \"namespaces\" (line 5): is a string; write a list, e.g. [shop, blog]"),
        Invalid(
            description: "a namespace that cannot exist", text: west("    namespaces: [Shop]\n"),
            message: "remotes[0] (west): field \"namespaces\" (line 5): \"Shop\" is not a namespace name (lowercase letters, digits and -)"),
        Invalid(
            description: "a namespace that is a number", text: west("    namespaces: [1]\n"),
            message: "remotes[0] (west): field \"namespaces\" (line 5): item 0 is a number; each item is a namespace name"),
        Invalid(
            description: "an ignore-namespaces entry naming nothing", text: west("    ignore-namespaces: [\"-\"]\n"),
            message: "remotes[0] (west): field \"ignore-namespaces\" (line 5): \"-\" is not a namespace name (lowercase letters, digits and -), nor -NAME to stop ignoring one"),
        Invalid(
            description: "an id with a space", text: west("    id: kubeconfig west\n"),
            message: "remotes[0] (west): field \"id\" (line 5): must be non-empty and without spaces (e.g. kubeconfig/west), or left out for the provider's"),
        Invalid(
            description: "a role that is not an ARN",
            text: "remotes:\n  - name: aws\n    provider: eks\n    eks-cluster-name: prod\n    eks-role-arn: barrelman\n",
            message: "remotes[0] (aws): field \"eks-role-arn\" (line 5): is not a role ARN; write arn:aws:iam::ACCOUNT:role/NAME"),
        Invalid(
            description: "two remotes of one name", text: west() + "  - name: west\n    provider: kubeconfig\n    kubeconfig: /k/b.yaml\n",
            message: "remotes[1] (west): field \"name\" (line 5): \"west\" is also the name of remotes[0]; give each remote its own name"),
        Invalid(
            description: "two remotes of one identity",
            text: west("    id: kubeconfig/west\n") + "  - name: b\n    provider: kubeconfig\n    kubeconfig: /k/b.yaml\n    id: kubeconfig/west\n",
            message: "remotes[1] (b): field \"id\" (line 9): \"kubeconfig/west\" is also the id of remotes[0] (west); each remote needs its own identity"),
        Invalid(
            description: "a tag that does not fit", text: west("    priority: !!int high\n"),
            message: "remotes[0].priority is tagged !!int but reads as !!str (line 5)"),
        Invalid(
            description: "YAML that does not parse", text: "remotes: [\n",
            message: "invalid YAML at line 2, column 1: did not find expected node content (while parsing a flow node)"),
    ]

    @Test(arguments: invalid)
    func invalidShape(_ test: Invalid) {
        #expect(throws: RemoteConfigError(Self.prefix + test.message)) { try Self.parse(test.text) }
        do {
            _ = try Self.parse(test.text)
        } catch {
            #expect(!error.message.contains("\n"), "one line")
        }
    }

    // MARK: what the lead's runtime takes from a spec

    @Test func settingsOverrideTheFlagsOnlyWhereTheEntrySaysSo() throws {
        var base = ControllerSettings(allowedNamespaces: ["from-flags"], remoteClusterName: "seed", remoteClusterID: "seed-id")
        base.nodesPerService = 7
        let specs = try Self.parse(
            Self.west("    namespaces: [shop]\n    require-export: true\n    priority: 1\n")
                + "  - {name: east, provider: kubeconfig, kubeconfig: /k/east.yaml, id: kubeconfig/east, nodes-per-service: 0}\n")
        let west = specs[0].settings(over: base)
        #expect(west.remoteClusterName == "west")
        #expect(west.remoteClusterID == "", "the seed's identity is never inherited: the provider's is used")
        #expect(west.allowedNamespaces == ["shop"])
        #expect(west.ignoredNamespaces == ["kube-system"])
        #expect(west.nodesPerService == 7)
        #expect(west.requireExport)
        #expect(west.priority == 1)
        let east = specs[1].settings(over: base)
        #expect(east.remoteClusterID == "kubeconfig/east")
        #expect(east.allowedNamespaces == ["from-flags"])
        #expect(east.nodesPerService == 0)
        #expect(!east.requireExport)
        #expect(east.priority == nil)
    }

    @Test func aFileThatIsNotThereOrNotTextIsOneLine() throws {
        #expect(throws: RemoteConfigError("remote-config /nonexistent/remotes.yaml: cannot be read: No such file or directory")) {
            try RemoteConfigFile.load(path: "/nonexistent/remotes.yaml")
        }
        try TemporaryDirectory.with { folder in
            let path = try folder.write("remotes.yaml", bytes: [0x72, 0x65, 0xff, 0xfe, 0x0a])
            #expect(throws: RemoteConfigError("remote-config \(path): is not UTF-8 text; write the file as YAML in UTF-8")) {
                try RemoteConfigFile.load(path: path)
            }
        }
    }
}
