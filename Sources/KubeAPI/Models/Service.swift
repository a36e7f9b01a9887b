/// A core/v1 Service: a stable address in front of a set of pods.
public struct Service: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.services

    public var metadata: ObjectMeta
    public var spec: ServiceSpec
    public var status: ServiceStatus

    public init(
        metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec = ServiceSpec(), status: ServiceStatus = ServiceStatus()
    ) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ObjectMeta()
        spec = try json.decode("spec") ?? ServiceSpec()
        status = try json.decode("status") ?? ServiceStatus()
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(objectOf: Service.self, metadata: metadata)
        object.set("spec", spec)
        object.set("status", status)
        return object.value
    }
}

/// How a service is exposed. An open set: values this client does not know survive a round trip.
public struct ServiceType: RawRepresentable, Sendable, Hashable, JSONCodable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let clusterIP: ServiceType = "ClusterIP"
    public static let nodePort: ServiceType = "NodePort"
    public static let loadBalancer: ServiceType = "LoadBalancer"
    public static let externalName: ServiceType = "ExternalName"

    public init(json: JSONNode) throws(JSONDecodingError) { rawValue = try json.string() }
    public func toJSON() -> JSONValue { .string(rawValue) }
    public var description: String { rawValue }
}

/// What a service selects and which ports it exposes.
public struct ServiceSpec: Sendable, Hashable, JSONCodable {
    /// `ClusterIP` when the server sent none, as kube-apiserver defaults it.
    public var type: ServiceType
    public var ports: [ServicePort]
    public var selector: [String: String]
    /// `None` for a headless service.
    public var clusterIP: String?
    public var clusterIPs: [String]
    public var externalName: String?
    public var sessionAffinity: String?
    public var ipFamilies: [String]
    public var ipFamilyPolicy: String?
    public var externalTrafficPolicy: String?
    /// LoadBalancer with `externalTrafficPolicy: Local`: the node port on which kube-proxy answers 200 only on
    /// nodes holding a ready endpoint of the service (what cloud load balancers probe).
    public var healthCheckNodePort: Int32?
    /// LoadBalancer only: which load balancer implementation provisions it; cloud controllers ignore a class
    /// that is not theirs.
    public var loadBalancerClass: String?
    /// LoadBalancer only: `false` leaves ports without a node port unless one is requested.
    public var allocateLoadBalancerNodePorts: Bool?

    public init(
        type: ServiceType = .clusterIP, ports: [ServicePort] = [], selector: [String: String] = [:],
        clusterIP: String? = nil, clusterIPs: [String] = [], externalName: String? = nil,
        sessionAffinity: String? = nil, ipFamilies: [String] = [], ipFamilyPolicy: String? = nil,
        externalTrafficPolicy: String? = nil, healthCheckNodePort: Int32? = nil,
        loadBalancerClass: String? = nil, allocateLoadBalancerNodePorts: Bool? = nil
    ) {
        self.loadBalancerClass = loadBalancerClass
        self.healthCheckNodePort = healthCheckNodePort
        self.type = type
        self.ports = ports
        self.selector = selector
        self.clusterIP = clusterIP
        self.clusterIPs = clusterIPs
        self.externalName = externalName
        self.sessionAffinity = sessionAffinity
        self.ipFamilies = ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
        self.externalTrafficPolicy = externalTrafficPolicy
        self.allocateLoadBalancerNodePorts = allocateLoadBalancerNodePorts
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        type = try json.decode("type") ?? .clusterIP
        ports = try json.decode("ports") ?? []
        selector = try json.decode("selector") ?? [:]
        clusterIP = try json.decode("clusterIP")
        clusterIPs = try json.decode("clusterIPs") ?? []
        externalName = try json.decode("externalName")
        sessionAffinity = try json.decode("sessionAffinity")
        ipFamilies = try json.decode("ipFamilies") ?? []
        ipFamilyPolicy = try json.decode("ipFamilyPolicy")
        externalTrafficPolicy = try json.decode("externalTrafficPolicy")
        healthCheckNodePort = try json.decode("healthCheckNodePort")
        loadBalancerClass = try json.decode("loadBalancerClass")
        allocateLoadBalancerNodePorts = try json.decode("allocateLoadBalancerNodePorts")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("type", type)
        object.set("ports", ports)
        object.set("selector", selector)
        object.set("clusterIP", clusterIP)
        object.set("clusterIPs", clusterIPs)
        object.set("externalName", externalName)
        object.set("sessionAffinity", sessionAffinity)
        object.set("ipFamilies", ipFamilies)
        object.set("ipFamilyPolicy", ipFamilyPolicy)
        object.set("externalTrafficPolicy", externalTrafficPolicy)
        object.set("healthCheckNodePort", healthCheckNodePort)
        object.set("loadBalancerClass", loadBalancerClass)
        object.set("allocateLoadBalancerNodePorts", allocateLoadBalancerNodePorts)
        return object.value
    }
}

/// One port of a service.
public struct ServicePort: Sendable, Hashable, JSONCodable {
    /// Required by the server when a service has more than one port.
    public var name: String?
    /// `TCP`, `UDP` or `SCTP`; nil means TCP (see `effectiveProtocol`).
    public var `protocol`: String?
    public var port: Int32
    /// The pods' port, by number or by container port name; nil means the same as `port`.
    public var targetPort: IntOrString?
    /// Set by the server for NodePort and LoadBalancer services unless given.
    public var nodePort: Int32?
    public var appProtocol: String?

    public init(
        name: String? = nil, protocol: String? = nil, port: Int32, targetPort: IntOrString? = nil,
        nodePort: Int32? = nil, appProtocol: String? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
        self.appProtocol = appProtocol
    }

    /// The protocol with Kubernetes' default applied.
    public var effectiveProtocol: String { `protocol` ?? "TCP" }

    public init(json: JSONNode) throws(JSONDecodingError) {
        name = try json.decode("name")
        `protocol` = try json.decode("protocol")
        port = try json.require("port")
        targetPort = try json.decode("targetPort")
        nodePort = try json.decode("nodePort")
        appProtocol = try json.decode("appProtocol")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("name", name)
        object.set("protocol", `protocol`)
        object.set("port", port)
        object.set("targetPort", targetPort)
        object.set("nodePort", nodePort)
        object.set("appProtocol", appProtocol)
        return object.value
    }
}

/// What the cloud made of a service.
public struct ServiceStatus: Sendable, Hashable, JSONCodable {
    public var loadBalancer: LoadBalancerStatus

    public init(loadBalancer: LoadBalancerStatus = LoadBalancerStatus()) {
        self.loadBalancer = loadBalancer
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        loadBalancer = try json.decode("loadBalancer") ?? LoadBalancerStatus()
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("loadBalancer", loadBalancer)
        return object.value
    }
}

/// The addresses a load balancer serves a service on.
public struct LoadBalancerStatus: Sendable, Hashable, JSONCodable {
    public var ingress: [LoadBalancerIngress]

    public init(ingress: [LoadBalancerIngress] = []) {
        self.ingress = ingress
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        ingress = try json.decode("ingress") ?? []
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("ingress", ingress)
        return object.value
    }
}

/// One load balancer address: an IP, a host name, or both.
public struct LoadBalancerIngress: Sendable, Hashable, JSONCodable {
    public var ip: String?
    public var hostname: String?

    public init(ip: String? = nil, hostname: String? = nil) {
        self.ip = ip
        self.hostname = hostname
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        ip = try json.decode("ip")
        hostname = try json.decode("hostname")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("ip", ip)
        object.set("hostname", hostname)
        return object.value
    }
}
