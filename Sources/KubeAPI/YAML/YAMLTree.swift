/// One YAML document as libyaml read it, before any typing: scalars keep their text, the tag written on them and
/// their style, collections their children in document order. An alias is the anchored node's index, so a node
/// reached twice is shared, never copied (what an alias bomb needs to stay small until it is expanded).
struct YAMLTree {
    enum ScalarStyle {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    struct Scalar {
        var text: String
        /// The tag written on the scalar in long form (`tag:yaml.org,2002:str` for `!!str`, `!`, `!local`), nil
        /// when none was written.
        var tag: String?
        var style: ScalarStyle
    }

    enum Content {
        case scalar(Scalar)
        case sequence([Int])
        case mapping([(key: Int, value: Int)])
    }

    struct Node {
        var content: Content
        /// Where the node starts, counted from 1.
        var line: Int
        var column: Int
        /// Whether an anchor names it: reaching it a second time means going through an alias.
        var anchored: Bool
    }

    var nodes: [Node]
    var root: Int

    /// Levels of nesting allowed, counting what aliases bring in: far beyond any real file, well within what
    /// the recursive conversions after parsing can walk on a secondary thread's stack.
    static let maxDepth = 256
}
