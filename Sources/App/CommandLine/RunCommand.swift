import ArgumentParser
import Controllers
import KubeAPI
import Providers

/// `-name` and `--name`, as Go's flag package accepts both.
func goFlag(_ name: String) -> NameSpecification {
    [.customLong(name, withSingleDash: true), .customLong(name)]
}

struct LocalClusterOptions: ParsableArguments {
    @Option(name: goFlag("local-kubeconfig"), help: "Kubeconfig of the local cluster (empty: in-cluster config).")
    var localKubeconfig: String = ""
    @Option(name: goFlag("local-context"), help: "Context in that kubeconfig (empty: its current context).")
    var localContext: String = ""
}

struct RemoteClusterOptions: ParsableArguments {
    @Option(
        name: goFlag("remote-config"),
        help: "YAML file of many remotes mirrored by this process, instead of the single-remote flags below; re-read when it changes (README \"Many clusters\").")
    var remoteConfig: String?
    @Option(name: goFlag("remote-provider"), help: "gke, eks or kubeconfig (default: gke with -remote-project, kubeconfig with -remote-kubeconfig).")
    var remoteProvider: String?
    @Option(name: goFlag("remote-kubeconfig"), help: "Kubeconfig of the remote cluster (kubeconfig provider).")
    var remoteKubeconfig: String?
    @Option(name: goFlag("remote-context"), help: "Context in the remote kubeconfig.")
    var remoteContext: String?
    @Option(name: goFlag("remote-project"), help: "GCP project of the remote GKE cluster.")
    var remoteProject: String?
    @Option(name: goFlag("remote-zone"), help: "Zone or region of the remote GKE cluster.")
    var remoteZone: String = "europe-west1-c"
    @Option(name: goFlag("remote-cluster-name"), help: "Name of the remote GKE cluster.")
    var remoteClusterName: String?
    @Option(name: goFlag("remote-credentials"), help: "Service-account key file (default: $GOOGLE_APPLICATION_CREDENTIALS, else the metadata server).")
    var remoteCredentials: String?
    @Option(name: goFlag("gke-api-endpoint"), help: "Base URL of the GKE Container API.")
    var gkeAPIEndpoint: String?
    @Option(name: goFlag("gke-use-private-endpoint"), help: "Use the GKE cluster's private endpoint (boolean).")
    var gkeUsePrivateEndpoint: String = "false"
    @Option(name: goFlag("eks-cluster-name"), help: "Name of the remote EKS cluster (eks provider).")
    var eksClusterName: String?
    @Option(name: goFlag("eks-region"), help: "Region of the remote EKS cluster (default: $AWS_REGION, else $AWS_DEFAULT_REGION).")
    var eksRegion: String?
    @Option(name: goFlag("eks-role-arn"), help: "IAM role to assume before calling EKS (eks provider; optional).")
    var eksRoleARN: String?
    @Option(name: goFlag("eks-api-endpoint"), help: "Base URL of the EKS API (default: https://eks.REGION.amazonaws.com).")
    var eksAPIEndpoint: String?
    @Option(name: goFlag("sts-endpoint"), help: "Base URL of AWS STS (default: https://sts.REGION.amazonaws.com).")
    var stsEndpoint: String?
}

struct ControllerOptions: ParsableArguments {
    @Option(name: goFlag("resync-period"), help: "How often all objects are processed again (Go duration: 90s, 1m, 2h).")
    var resyncPeriod: String = "2h"
    @Option(name: goFlag("nec-workers"), help: "NodeEndpointController workers.")
    var necWorkers: Int = 4
    @Option(name: goFlag("sc-workers"), help: "ServiceController workers.")
    var scWorkers: Int = 2
    @Option(name: goFlag("nodeportsvc"), help: "Create local services as NodePort, keeping the remote node port (boolean).")
    var nodePortServices: String = "false"
    @Option(name: goFlag("ignore-namespace"), help: "Remote namespace not to mirror; repeatable; -NAME removes one from the default set (kube-system).")
    var ignoreNamespace: [String] = []
    @Option(name: goFlag("namespace"), help: "Only mirror these namespaces (repeatable; default: all not ignored).")
    var namespace: [String] = []
    @Option(name: goFlag("endpoints-mode"), help: "endpointslices, endpoints or both.")
    var endpointsMode: String = "endpointslices"
    @Option(name: goFlag("max-endpoints-per-slice"), help: "Endpoints per EndpointSlice (1 to 1000).")
    var maxEndpointsPerSlice: Int = 100
    @Option(name: goFlag("node-address-type"), help: "InternalIP or ExternalIP.")
    var nodeAddressType: String = "InternalIP"
    @Option(name: goFlag("mirror-loadbalancer"), help: "Mirror remote LoadBalancer services too (boolean).")
    var mirrorLoadBalancer: String = "true"
    @Option(
        name: goFlag("nodes-per-service"),
        help: "Remote nodes per service's endpoints, spread over zones and chosen by rendezvous hashing (0: every eligible node).")
    var nodesPerService: Int = 0
    @Option(
        name: goFlag("require-export"),
        help: "Mirror only remote services annotated barrelman.tfw.io/export=true, an explicit export (boolean).")
    var requireExport: String = "false"
    @Option(
        name: goFlag("federate"),
        help: "Federate every mirrored remote service, as if annotated barrelman.tfw.io/federate=true: served by every remote that has it, one EndpointSlice set per cluster (boolean).")
    var federate: String = "false"
    @Option(
        name: goFlag("remote-cluster-id"),
        help: "Identity of the remote cluster written on every local object; decides what this instance owns (default: the provider's, e.g. gke/PROJECT/ZONE/NAME or kubeconfig/SERVER-URL).")
    var remoteClusterID: String?
}

struct OperationOptions: ParsableArguments {
    @Option(name: goFlag("listen-address"), help: "Address for /metrics, /healthz and /readyz.")
    var listenAddress: String = ":9193"
    @Option(name: goFlag("leader-elect"), help: "Run only while holding a Lease (boolean; default: true in-cluster).")
    var leaderElect: String?
    @Option(name: goFlag("leader-elect-namespace"), help: "Namespace of the Lease (default: the pod's).")
    var leaderElectNamespace: String?
    @Option(
        name: goFlag("kube-api-qps"),
        help: "Client-side request rate per cluster; 0 leaves pacing to the server. Unset: 50 until the server shows API Priority and Fairness, then the server paces.")
    var kubeAPIQPS: Double?
    @Option(name: goFlag("kube-api-burst"), help: "Client-side burst per cluster.")
    var kubeAPIBurst: Int = 100
    @Option(name: goFlag("dry-run"), help: "Log every write instead of making it (boolean).")
    var dryRun: String = "false"
    @Option(name: goFlag("log-format"), help: "text or json.")
    var logFormat: String = "text"
    @Option(name: [.customShort("v"), .customLong("v")], help: "Log verbosity: 3 logs every event, 4 every decision.")
    var verbosity: Int = 0
}

/// Flags of the original barrelman whose names and values are the compatibility contract, and the rest.
enum FlagNames {
    static let booleans: Set<String> = [
        "nodeportsvc", "mirror-loadbalancer", "gke-use-private-endpoint", "leader-elect", "dry-run", "require-export",
        "federate",
    ]
    static let values: Set<String> = Set([
        "local-kubeconfig", "local-context", "remote-provider", "remote-kubeconfig", "remote-context", "remote-project",
        "remote-zone", "remote-cluster-name", "remote-credentials", "gke-api-endpoint", "eks-cluster-name", "eks-region",
        "eks-role-arn", "eks-api-endpoint", "sts-endpoint", "resync-period", "nec-workers",
        "sc-workers", "ignore-namespace", "namespace", "endpoints-mode", "max-endpoints-per-slice", "node-address-type",
        "listen-address", "leader-elect-namespace", "kube-api-qps", "kube-api-burst", "log-format", "v", "remote-cluster-id",
        "nodes-per-service", "remote-config",
    ]).union(ReachOptions.flagNames)
}
