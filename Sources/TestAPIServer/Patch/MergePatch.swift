/// RFC 7386 JSON merge patch: objects merge recursively, `null` removes a member, anything else replaces.
enum MergePatch {
    static func apply(_ patch: JSON, to target: JSON) -> JSON {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}

/// The simplified server-side apply merge: maps merge recursively, lists and scalars in the applied config replace.
enum ApplyMerge {
    static func apply(_ config: JSON, to live: JSON) -> JSON {
        guard case .object(let configMembers) = config, case .object(var liveMembers) = live else { return config }
        for (key, value) in configMembers {
            if value.isNull { continue }
            liveMembers[key] = apply(value, to: liveMembers[key] ?? .null)
        }
        return .object(liveMembers)
    }
}
