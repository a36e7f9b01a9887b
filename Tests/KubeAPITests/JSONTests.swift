import Testing
@testable import KubeAPI

@Suite struct JSONDocumentTests {
    struct Port: JSONDecodable, Equatable {
        var name: String?
        var port: Int
        init(name: String?, port: Int) { self.name = name; self.port = port }
        init(json: JSONNode) throws(JSONDecodingError) {
            name = try json.decode("name")
            port = try json.require("port")
        }
    }

    @Test func decodesOnlyModelledFieldsAndTreatsNullAsAbsent() throws {
        let ports = try JSONDocument.decode(
            [Port].self, from: #"[{"name":"http","port":80,"extra":{"deep":[1,2,3]}},{"name":null,"port":443}]"#)
        #expect(ports == [Port(name: "http", port: 80), Port(name: nil, port: 443)])
    }

    @Test func errorsNameThePath() {
        #expect(throws: JSONDecodingError(path: ["[1]", "port"], "expected an integer, found string")) {
            try JSONDocument.decode([Port].self, from: #"[{"port":1},{"port":"x"}]"#)
        }
        let error = JSONDecodingError(path: ["spec", "ports", "[1]", "port"], "required field is missing")
        #expect(error.description == "spec.ports[1].port: required field is missing")
    }

    @Test func rejectsMalformedJSONWithItsPosition() {
        do {
            _ = try JSONDocument.decode(JSONValue.self, from: #"{"a": }"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("line 1"))
        }
    }

    @Test func encodesKubernetesKeysFirstAndRoundTrips() throws {
        let value: JSONValue = ["spec": ["b": 1, "a": "x\"y"], "kind": "Service", "apiVersion": "v1", "metadata": [:]]
        let text = JSONDocument.encodeString(value)
        #expect(text == #"{"apiVersion":"v1","kind":"Service","metadata":{},"spec":{"a":"x\"y","b":1}}"#)
        #expect(try JSONDocument.decode(JSONValue.self, from: text) == value)
    }

    @Test func builderOmitsEmptyValues() {
        var builder = JSONObjectBuilder()
        builder.set("empty", "")
        builder.set("none", Optional<String>.none)
        builder.set("list", [String]())
        builder.set("name", "a")
        #expect(builder.value == ["name": "a"])
    }
}

@Suite struct JSONStreamFramerTests {
    @Test func splitsValuesAcrossArbitraryChunks() throws {
        let stream = #"{"type":"ADDED","object":{"s":"}{\"}"}}"# + "\n" + #"{"type":"DELETED"}"# + "\n"
        let bytes = Array(stream.utf8)
        for chunkSize in [1, 2, 3, 7, bytes.count] {
            var framer = JSONStreamFramer()
            var frames: [String] = []
            var index = 0
            while index < bytes.count {
                framer.append(bytes[index..<min(index + chunkSize, bytes.count)])
                index += chunkSize
                while let frame = try framer.nextFrame() { frames.append(String(decoding: frame, as: UTF8.self)) }
            }
            #expect(frames == [#"{"type":"ADDED","object":{"s":"}{\"}"}}"#, #"{"type":"DELETED"}"#])
            #expect(framer.pendingByteCount == 0)
        }
    }

    @Test func rejectsGarbageAndOversizedFrames() {
        var framer = JSONStreamFramer(maximumFrameSize: 8)
        framer.append(Array(#"{"aaaaaaaaaaaa"}"#.utf8))
        #expect(throws: JSONStreamFramer.FramingError.self) { try framer.nextFrame() }
        var garbage = JSONStreamFramer()
        garbage.append(Array("<html>".utf8))
        #expect(throws: JSONStreamFramer.FramingError.unexpectedByte(UInt8(ascii: "<"), offset: 0)) {
            try garbage.nextFrame()
        }
    }

    /// Found by Fuzz/fuzz-watch-stream (Corpus/watch-stream/regression-offset-after-frame.txt): the offset
    /// counted from the last frame, so it depended on how the stream happened to be chunked.
    @Test func garbageOffsetCountsFromTheStartOfTheStreamHoweverItIsChunked() {
        let bytes = Array((#"{"type":"ADDED"}"# + " \n x").utf8)
        let expected = JSONStreamFramer.FramingError.unexpectedByte(UInt8(ascii: "x"), offset: 19)
        for chunkSize in [1, 2, 5, bytes.count] {
            var framer = JSONStreamFramer()
            var thrown: JSONStreamFramer.FramingError?
            var index = 0
            while index < bytes.count, thrown == nil {
                framer.append(bytes[index..<min(index + chunkSize, bytes.count)])
                index += chunkSize
                do {
                    while try framer.nextFrame() != nil {}
                } catch {
                    thrown = error
                }
            }
            #expect(thrown == expected, "chunks of \(chunkSize) bytes")
        }
    }
}
