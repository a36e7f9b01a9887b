/// One frame of a watch stream: `{"type":"ADDED","object":{...}}`.
public enum WatchEvent<Object: KubeResource>: Sendable, JSONCodable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// An ADDED, MODIFIED (`deleted` false) or DELETED event whose object `Object` cannot read.
    case unreadable(UnreadableObject, deleted: Bool)
    /// A progress marker carrying only a resourceVersion; `annotations` may hold
    /// `k8s.io/initial-events-end: "true"`, which ends the initial events of a streaming list.
    case bookmark(resourceVersion: String, annotations: [String: String])
    /// The watch failed; a 410 (`Expired`/`Gone`) means relist.
    case error(Status)

    /// The same event with its object transformed.
    public func map(_ transform: (Object) -> Object) -> WatchEvent<Object> {
        switch self {
        case .added(let object): .added(transform(object))
        case .modified(let object): .modified(transform(object))
        case .deleted(let object): .deleted(transform(object))
        case .bookmark, .error, .unreadable: self
        }
    }

    /// The annotation on the bookmark that ends the initial events of a `sendInitialEvents` watch.
    public static var initialEventsEndAnnotation: String { "k8s.io/initial-events-end" }

    /// True for the bookmark that ends the initial events of a `sendInitialEvents` watch.
    public var isInitialEventsEnd: Bool {
        guard case .bookmark(_, let annotations) = self else { return false }
        return annotations[Self.initialEventsEndAnnotation] == "true"
    }

    /// The resourceVersion to resume a watch from after this event, when it carries one.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object.metadata.resourceVersion
        case .bookmark(let resourceVersion, _): return resourceVersion
        case .unreadable(let object, _): return object.metadata.resourceVersion
        case .error: return nil
        }
    }

    public init(json: JSONNode) throws(JSONDecodingError) {
        try json.requireObject()
        guard let type = json["type"] else {
            throw JSONDecodingError(path: ["type"], "required field is missing")
        }
        guard let object = json["object"] else {
            throw JSONDecodingError(path: ["object"], "required field is missing")
        }
        // Dispatch without creating a Swift string: watches deliver many events.
        if type.stringEquals("ADDED") || type.stringEquals("MODIFIED") || type.stringEquals("DELETED") {
            let deleted = type.stringEquals("DELETED")
            let decoded: Object
            do {
                decoded = try Self.decodeObject(object)
            } catch {
                guard let identified = UnreadableObject.identify(object, error: error) else { throw error }
                self = .unreadable(identified, deleted: deleted)
                return
            }
            self = deleted ? .deleted(decoded) : type.stringEquals("ADDED") ? .added(decoded) : .modified(decoded)
        } else if type.stringEquals("BOOKMARK") {
            // A bookmark's object lacks most fields, so it is not decoded as `Object`.
            do {
                let (resourceVersion, annotations) = try Self.decodeBookmark(object)
                self = .bookmark(resourceVersion: resourceVersion, annotations: annotations)
            } catch {
                throw error.under("object")
            }
        } else if type.stringEquals("ERROR") {
            do {
                self = .error(try Status(json: object))
            } catch {
                throw error.under("object")
            }
        } else {
            let found = (try? type.string()).map { "\"\($0)\"" } ?? "of JSON type \(type.kind)"
            throw JSONDecodingError(
                path: ["type"],
                "unknown watch event type \(found), expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR")
        }
    }

    private static func decodeObject(_ object: JSONNode) throws(JSONDecodingError) -> Object {
        do {
            return try Object(json: object)
        } catch {
            throw error.under("object")
        }
    }

    private static func decodeBookmark(
        _ object: JSONNode
    ) throws(JSONDecodingError) -> (resourceVersion: String, annotations: [String: String]) {
        guard let metadata = object["metadata"] else {
            throw JSONDecodingError(path: ["metadata", "resourceVersion"], "required field is missing")
        }
        do {
            return (try metadata.require("resourceVersion"), try metadata.decode("annotations") ?? [:])
        } catch {
            throw error.under("metadata")
        }
    }

    public func toJSON() -> JSONValue {
        switch self {
        case .added(let object): return ["type": "ADDED", "object": object.toJSON()]
        case .modified(let object): return ["type": "MODIFIED", "object": object.toJSON()]
        case .deleted(let object): return ["type": "DELETED", "object": object.toJSON()]
        case .bookmark(let resourceVersion, let annotations):
            var metadata = JSONObjectBuilder()
            metadata.set("resourceVersion", resourceVersion)
            metadata.set("annotations", annotations)
            let type = Object.resourceType
            let object = JSONObjectBuilder(apiVersion: type.apiVersion, kind: type.kind, metadata: metadata.value)
            return ["type": "BOOKMARK", "object": object.value]
        case .error(let status): return ["type": "ERROR", "object": status.toJSON()]
        case .unreadable(let object, let deleted):
            // All that is known of it: its metadata.
            let type = Object.resourceType
            let body = JSONObjectBuilder(apiVersion: type.apiVersion, kind: type.kind, metadata: object.metadata)
            return ["type": deleted ? "DELETED" : "MODIFIED", "object": body.value]
        }
    }
}

extension WatchEvent: Equatable where Object: Equatable {}
extension WatchEvent: Hashable where Object: Hashable {}
