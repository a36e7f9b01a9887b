/// A core/v1 Event: something that happened to an object, shown by `kubectl describe`.
public struct Event: KubeResource, Sendable, Hashable {
    public static let resourceType = ResourceType.events

    public static let normal = "Normal"
    public static let warning = "Warning"

    public var metadata: ObjectMeta
    /// The object the event is about.
    public var involvedObject: ObjectReference
    /// Short, machine-readable, UpperCamelCase (`SyncFailed`).
    public var reason: String?
    public var message: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var source: EventSource
    /// RFC 3339.
    public var firstTimestamp: String?
    /// RFC 3339.
    public var lastTimestamp: String?
    public var count: Int32?
    public var reportingComponent: String?
    public var reportingInstance: String?
    public var action: String?
    /// RFC 3339 with microseconds; set by newer clients instead of the timestamps above.
    public var eventTime: String?

    public init(
        metadata: ObjectMeta = ObjectMeta(), involvedObject: ObjectReference = ObjectReference(),
        reason: String? = nil, message: String? = nil, type: String? = nil, source: EventSource = EventSource(),
        firstTimestamp: String? = nil, lastTimestamp: String? = nil, count: Int32? = nil,
        reportingComponent: String? = nil, reportingInstance: String? = nil, action: String? = nil,
        eventTime: String? = nil
    ) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
        self.source = source
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.count = count
        self.reportingComponent = reportingComponent
        self.reportingInstance = reportingInstance
        self.action = action
        self.eventTime = eventTime
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        metadata = try json.decode("metadata") ?? ObjectMeta()
        involvedObject = try json.decode("involvedObject") ?? ObjectReference()
        reason = try json.decode("reason")
        message = try json.decode("message")
        type = try json.decode("type")
        source = try json.decode("source") ?? EventSource()
        firstTimestamp = try json.decode("firstTimestamp")
        lastTimestamp = try json.decode("lastTimestamp")
        count = try json.decode("count")
        reportingComponent = try json.decode("reportingComponent")
        reportingInstance = try json.decode("reportingInstance")
        action = try json.decode("action")
        eventTime = try json.decode("eventTime")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder(objectOf: Event.self, metadata: metadata)
        // Required by the server, even when it says little.
        object.setAlways("involvedObject", involvedObject.toJSON())
        object.set("reason", reason)
        object.set("message", message)
        object.set("type", type)
        object.set("source", source)
        object.set("firstTimestamp", firstTimestamp)
        object.set("lastTimestamp", lastTimestamp)
        object.set("count", count)
        object.set("reportingComponent", reportingComponent)
        object.set("reportingInstance", reportingInstance)
        object.set("action", action)
        object.set("eventTime", eventTime)
        return object.value
    }
}

/// Who reported an event.
public struct EventSource: Sendable, Hashable, JSONCodable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        component = try json.decode("component")
        host = try json.decode("host")
    }

    public func toJSON() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("component", component)
        object.set("host", host)
        return object.value
    }
}
