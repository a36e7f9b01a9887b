import Foundation
import Testing
@testable import KubeAPI

/// The port of go-yaml v2's scalar typing that decides whether kubectl sees a string, a number, a boolean or null,
/// and of Go's base64 that `*-data` fields and `!!binary` go through.
@Suite struct GoYAMLScalarTests {
    @Test(arguments: [
        ("team-a", GoYAMLScalar.Value.string("team-a")),
        ("yes", .bool(true)), ("Y", .bool(true)), ("On", .bool(true)), ("NO", .bool(false)), ("n", .bool(false)),
        ("yES", .string("yES")), ("~", .null), ("Null", .null), ("", .null),
        ("12", .int(12)), ("-12", .int(-12)), ("+12", .int(12)), ("0x1F", .int(31)), ("0o17", .int(15)),
        ("017", .int(15)), ("0b101", .int(5)), ("1_000", .int(1000)),
        ("08", .float(8)), ("1.26", .float(1.26)), ("1e3", .float(1000)), (".5", .float(0.5)), ("-.5", .float(-0.5)),
        ("18446744073709551615", .uint(UInt64.max)), ("99999999999999999999", .float(1e20)),
        (".inf", .float(.infinity)), ("-.Inf", .float(-.infinity)),
        ("1.2.3", .string("1.2.3")), ("2024-01-01", .string("2024-01-01")), ("-", .string("-")), ("0x", .string("0x")),
        ("1e400", .string("1e400")), ("<<", .string("<<")), ("https://x.example", .string("https://x.example")),
    ])
    func typesPlainScalarsAsGoYAMLv2(text: String, expected: GoYAMLScalar.Value) throws {
        #expect(try GoYAMLScalar.resolve(text, explicitTag: nil, plain: true) == expected, "\(text)")
    }

    @Test(arguments: [
        ("yes", GoYAMLScalar.Value.string("yes")), ("12", .string("12")), ("", .string("")),
        ("null", .null), ("~", .null),
    ])
    func typesQuotedScalarsAsStringsExceptNull(text: String, expected: GoYAMLScalar.Value) throws {
        #expect(try GoYAMLScalar.resolve(text, explicitTag: nil, plain: false) == expected, "\(text)")
    }

    @Test(arguments: [
        ("int", "0x10", GoYAMLScalar.Value.int(16)), ("float", "1", .float(1)), ("bool", "yes", .bool(true)),
        ("str", "12", .string("12")), ("null", "anything", .null), ("binary", "aGk=", .string("hi")),
        ("timestamp", "2001-12-14t21:59:43.10-05:00", .string("2001-12-14t21:59:43.10-05:00")),
    ])
    func appliesExplicitTags(tag: String, text: String, expected: GoYAMLScalar.Value) throws {
        let value = try GoYAMLScalar.resolve(text, explicitTag: GoYAMLScalar.tagPrefix + tag, plain: true)
        #expect(value == expected)
    }

    @Test(arguments: [("int", "1.5"), ("bool", "1"), ("timestamp", "soon"), ("binary", "aGk"), ("binary", "aG k=")])
    func refusesATagThatDoesNotFitItsValue(tag: String, text: String) {
        #expect(throws: GoYAMLScalar.Mismatch.self) {
            try GoYAMLScalar.resolve(text, explicitTag: GoYAMLScalar.tagPrefix + tag, plain: true)
        }
    }

    @Test func localAndNonSpecificTagsMakeStrings() throws {
        #expect(try GoYAMLScalar.resolve("12", explicitTag: "!", plain: true) == .string("12"))
        #expect(try GoYAMLScalar.resolve("yes", explicitTag: "!local", plain: true) == .string("yes"))
    }

    @Test(arguments: [
        ("aGk=", [UInt8]("hi".utf8) as [UInt8]?), ("aG\r\nk=", Array("hi".utf8)), ("aGk", nil), ("aG k=", nil),
        ("aGk=aGk=", nil), ("", []), ("-_8=", nil), ("aA==", [0x68]), ("a===", nil),
    ])
    func decodesBase64AsGo(text: String, expected: [UInt8]?) {
        #expect(GoBase64.decode(text) == expected, "\(text)")
    }

    @Test func refusesAnAliasBombAsGoYAMLv2Does() {
        let ten = { (name: String) in "[" + Array(repeating: "*\(name)", count: 10).joined(separator: ",") + "]" }
        let text = """
            a: &a [x, x, x, x, x, x, x, x, x, x]
            b: &b \(ten("a"))
            c: &c \(ten("b"))
            d: &d \(ten("c"))
            e: &e \(ten("d"))
            f: &f \(ten("e"))
            g: &g \(ten("f"))
            current-context: \(ten("g"))
            """
        let message = configErrorMessage {
            _ = try KubeconfigLoader.load(contents: Array(text.utf8), path: "/bomb", context: nil, environment: [:])
        }
        #expect(message == "kubeconfig /bomb: the document contains excessive aliasing; kubectl refuses the file too")
    }
}
