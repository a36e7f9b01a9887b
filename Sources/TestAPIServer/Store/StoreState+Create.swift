extension StoreState {
    /// Creates an object, as POST to the collection does.
    mutating func create(_ resource: ResourceKind, namespace: String?, body: JSON) throws(APIError) -> JSON {
        var object = try ObjectPreparation.checkTypeMeta(body, for: resource)
        try ObjectPreparation.checkNamespace(&object, resource: resource, urlNamespace: namespace)
        let namespace = object.namespace
        if let namespace {
            guard let namespaceObject = namespaceObject(namespace) else { throw .namespaceNotFound(namespace) }
            if namespaceObject.isBeingDeleted {
                var error = APIError.forbidden(
                    resource, name: object.name,
                    "unable to create new content in namespace \(namespace) because it is being terminated")
                error.details?["causes"] = [
                    [
                        "reason": "NamespaceTerminating", "field": "metadata.namespace",
                        "message": .string("namespace \(namespace) is being terminated"),
                    ]
                ]
                throw error
            }
        }
        if !object.resourceVersionString.isEmpty {
            throw .internalError("resourceVersion should not be set on objects to be created")
        }
        var name = object.name
        if name.isEmpty, let generateName = object[path: ["metadata", "generateName"]]?.stringValue,
            !generateName.isEmpty
        {
            // kube retries name generation on collision a few times before giving up.
            for _ in 0..<8 {
                name = NameGenerator.generate(base: generateName)
                if self.object(resource, key: StorageKey.make(namespace: namespace, name: name)) == nil { break }
            }
            object[path: ["metadata", "name"]] = .string(name)
        }
        guard !name.isEmpty else {
            throw .invalid(resource, name: "", [.required("metadata.name", "name or generateName is required")])
        }
        if let error = NameRules.validate(name: name, for: resource) {
            throw .invalid(resource, name: name, [error])
        }
        let key = StorageKey.make(namespace: namespace, name: name)
        if self.object(resource, key: key) != nil { throw .alreadyExists(resource, name: name) }

        object[path: ["metadata", "uid"]] = .string(UUIDString.make())
        object[path: ["metadata", "creationTimestamp"]] = .string(Clock.now())
        object[path: ["metadata", "deletionTimestamp"]] = nil
        object[path: ["metadata", "deletionGracePeriodSeconds"]] = nil
        if resource.tracksGeneration {
            object[path: ["metadata", "generation"]] = 1
        } else {
            object[path: ["metadata", "generation"]] = nil
        }
        try prepareForCreate(resource, &object)
        let created = commitPut(resource, key: key, object)
        collectIfOwnersAreGone(resource, key: key, created)
        return created
    }

    /// Per-resource defaulting, validation and allocation on create (kube's registry strategies).
    private mutating func prepareForCreate(_ resource: ResourceKind, _ object: inout JSON) throws(APIError) {
        switch resource {
        case .namespaces:
            object["status"] = ["phase": "Active"]
            var finalizers = object[path: ["spec", "finalizers"]]?.arrayValue ?? []
            if !finalizers.contains("kubernetes") { finalizers.append("kubernetes") }
            object[path: ["spec", "finalizers"]] = .array(finalizers)
        case .services:
            try prepareServiceForCreate(&object)
        case .endpointSlices:
            try EndpointSliceValidation.validate(object)
        case .endpoints:
            EndpointsValidation.applyDefaults(&object)
            try EndpointsValidation.validate(object)
        default:
            break
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

enum UUIDString {
    static func make() -> String { UUID().uuidString.lowercased() }
}
