import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `MD5OfMessageBody` and `MD5OfMessageAttributes` vectors. The expected values came from an
/// independent Python implementation and moto 5.2.1's `Message.attribute_md5` (lists: Python
/// only, moto has no list values); `matchesPythonImplementations` recomputes them when it can.
struct SQSDigestTests {
    @Test(arguments: [
        ("hello", "5d41402abc4b2a76b9719d911017c592"),
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("héllo wörld ✓ 😀", "89aa2b820ceff5e2668f906e050e431d"),
        ("{\"a\": 1}\n", "a01637863c1f9585c3e38cde6ce20940"),
    ])
    func bodyDigest(_ body: String, _ expected: String) {
        #expect(SQSDigest.ofBody(body) == expected)
    }

    @Test func md5HexTakesAnyByteCollection() {
        #expect(SQSDigest.md5Hex(Array("hello".utf8)) == "5d41402abc4b2a76b9719d911017c592")
        #expect(SQSDigest.md5Hex("hello".utf8[...]) == "5d41402abc4b2a76b9719d911017c592")
        #expect(SQSDigest.md5Hex([UInt8]()) == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test(arguments: Self.cases)
    func attributeDigest(_ row: DigestCase) {
        #expect(SQSDigest.ofAttributes(row.attributes) == row.expected, "\(row.name)")
    }

    @Test func noAttributesNoDigest() {
        #expect(SQSDigest.ofAttributes([]) == nil)
    }

    @Test func inputOrderDoesNotMatter() throws {
        let row = try #require(Self.cases.first { $0.name == "several, given unsorted" })
        #expect(SQSDigest.ofAttributes(row.attributes.reversed()) == row.expected)
    }

    /// Recomputes every row with a Python reference implementation and, where it applies, moto's.
    @Test func matchesPythonImplementations() throws {
        guard let python = ExternalTool.require("python3") else { return }
        let rows = Self.cases.map { row -> [String: Any] in
            var attributes: [String: Any] = [:]
            for (name, value) in row.attributes {
                var fields: [String: Any] = ["DataType": value.dataType]
                if let string = value.stringValue { fields["StringValue"] = string }
                if let binary = value.binaryValue { fields["BinaryValue"] = Data(binary).base64EncodedString() }
                if !value.stringListValues.isEmpty { fields["StringListValues"] = value.stringListValues }
                if !value.binaryListValues.isEmpty { fields["BinaryListValues"] = value.binaryListValues.map { Data($0).base64EncodedString() } }
                attributes[name] = fields
            }
            return ["name": row.name, "attrs": attributes]
        }
        let input = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
        let result = try ExternalTool.run(python, ["-c", Self.pythonDigests, input])
        try #require(result.status == 0, "\(result.stderr)")
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]])
        for (row, answer) in zip(Self.cases, answers) {
            #expect(answer["ref"] == row.expected, "\(row.name): reference")
            if let moto = answer["moto"] { #expect(moto == row.expected, "\(row.name): moto") }
        }
        #expect(answers.count == Self.cases.count)
    }

    /// One table row: attributes in the order a sender gave them, and the digest.
    struct DigestCase: Sendable, CustomTestStringConvertible {
        var name: String
        var attributes: MessageAttributes
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [DigestCase] = [
        DigestCase(name: "String", attributes: [("color", .init(dataType: "String", stringValue: "blue"))],
                   expected: "da1b33cc3cbfe8b1630921e78e6b9880"),
        DigestCase(name: "Number", attributes: [("count", .init(dataType: "Number", stringValue: "42"))],
                   expected: "2ee5fa915753ff72599b2514463a2897"),
        DigestCase(name: "Binary", attributes: [("blob", .init(dataType: "Binary", binaryValue: [0, 1, 2, 255]))],
                   expected: "3b1b4028306ffa157a32d5916f8f714b"),
        DigestCase(name: "custom Number.float", attributes: [("price", .init(dataType: "Number.float", stringValue: "3.14"))],
                   expected: "7cb593047128241063d16504bbc509e2"),
        DigestCase(name: "several, given unsorted", attributes: [
            ("zeta", .init(dataType: "String", stringValue: "z")),
            ("Alpha", .init(dataType: "Number", stringValue: "1")),
            ("alpha", .init(dataType: "Binary.gif", binaryValue: Array("GIF89a".utf8))),
            ("mid_dle", .init(dataType: "String.custom", stringValue: "m")),
        ], expected: "61907088efc0df6070f10f3c5ec23f88"),
        DigestCase(name: "unicode name and values", attributes: [
            ("größe", .init(dataType: "String", stringValue: "日本語 ✓ 😀")),
            ("name", .init(dataType: "String", stringValue: "Zoë")),
        ], expected: "1b115869a235291bacbac527f43a9291"),
        DigestCase(name: "system attribute AWSTraceHeader", attributes: [
            ("AWSTraceHeader", .init(dataType: "String", stringValue: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")),
        ], expected: "5ae4d5d7636402d80f4eb6d213245a88"),
        DigestCase(name: "string list", attributes: [("tags", Self.value("String") { $0.stringListValues = ["a", "bc"] })],
                   expected: "ceeb790f4f64f5af1eef766816a3eefa"),
        DigestCase(name: "binary list", attributes: [("chunks", Self.value("Binary") { $0.binaryListValues = [[1], [2, 3]] })],
                   expected: "7e07d19a7d75f71d5a37b46022dd20ba"),
    ]

    private static func value(_ dataType: String, _ configure: (inout MessageAttributeValue) -> Void) -> MessageAttributeValue {
        var value = MessageAttributeValue(dataType: dataType)
        configure(&value)
        return value
    }

    /// argv[1]: JSON rows. Prints, per row, the reference digest and moto's (when moto imports
    /// and the row has no list values; moto checks names, so that check is switched off).
    static let pythonDigests = #"""
    import base64, hashlib, json, struct, sys
    def lp(b): return struct.pack('>I', len(b)) + b
    def reference(attrs):
        buf = b''
        for name in sorted(attrs, key=lambda n: n.encode()):
            v = attrs[name]
            buf += lp(name.encode()) + lp(v['DataType'].encode())
            if 'StringValue' in v: buf += b'\x01' + lp(v['StringValue'].encode())
            elif 'BinaryValue' in v: buf += b'\x02' + lp(base64.b64decode(v['BinaryValue']))
            elif v.get('StringListValues'): buf += b'\x03' + b''.join(lp(s.encode()) for s in v['StringListValues'])
            elif v.get('BinaryListValues'): buf += b'\x04' + b''.join(lp(base64.b64decode(s)) for s in v['BinaryListValues'])
        return hashlib.md5(buf).hexdigest()
    def moto(attrs):
        try:
            from moto.sqs.models import Message
        except Exception:
            return None
        if any('StringListValues' in v or 'BinaryListValues' in v for v in attrs.values()): return None
        Message.validate_attribute_name = staticmethod(lambda name: None)
        m = Message('id', 'body')
        m.message_attributes = {k: dict(v, BinaryValue=base64.b64decode(v['BinaryValue'])) if 'BinaryValue' in v else v for k, v in attrs.items()}
        return m.attribute_md5
    out = []
    for row in json.loads(sys.argv[1]):
        answer = {'ref': reference(row['attrs'])}
        m = moto(row['attrs'])
        if m is not None: answer['moto'] = m
        out.append(answer)
    print(json.dumps(out))
    """#
}
