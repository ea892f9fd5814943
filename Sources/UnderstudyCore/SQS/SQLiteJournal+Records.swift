import Foundation
import GRDB

extension SQLiteJournal {
    /// Everything stored: queues by creation, then the messages of those queues by sequence.
    /// Messages whose queue row is missing (possible only after a dropped batch) are left out.
    static func readSnapshot(_ db: Database, path: String) throws -> SQSSnapshot {
        let coder = RecordCoder()
        var snapshot = SQSSnapshot()
        let queues = try Row.fetchCursor(db, sql: """
            SELECT name, created_at, modified_at, attributes, tags FROM queues ORDER BY created_at, name
            """)
        while let row = try queues.next() {
            let name: String = try row.decode(atIndex: 0)
            snapshot.queues.append(QueueRecord(
                name: name, createdAt: try row.decode(atIndex: 1), modifiedAt: try row.decode(atIndex: 2),
                attributes: try coder.decodeMap(try row.decode(atIndex: 3), path: path, what: "queue \(name) attributes"),
                tags: try coder.decodeMap(try row.decode(atIndex: 4), path: path, what: "queue \(name) tags")))
        }
        let messages = try Row.fetchCursor(db, sql: """
            SELECT sequence, queue, message_id, body, attributes, system_attributes, sent_at, sender_id,
                group_id, dedup_id, sequence_number, receive_count, first_received_at, visible_at, token
            FROM messages WHERE queue IN (SELECT name FROM queues) ORDER BY sequence
            """)
        while let row = try messages.next() {
            let sequence = UInt64(bitPattern: try row.decode(Int64.self, atIndex: 0))
            let record = MessageRecord(
                sequence: sequence, messageID: try row.decode(atIndex: 2), body: try row.decode(atIndex: 3),
                attributes: try coder.decodeAttributes(try row.decode(atIndex: 4), path: path,
                                                       what: "message \(sequence) attributes"),
                systemAttributes: try coder.decodeAttributes(try row.decode(atIndex: 5), path: path,
                                                             what: "message \(sequence) system attributes"),
                sentAt: try row.decode(atIndex: 6), senderID: try row.decode(atIndex: 7),
                groupID: try row.decode(atIndex: 8), deduplicationID: try row.decode(atIndex: 9),
                sequenceNumber: try row.decode(atIndex: 10), receiveCount: try row.decode(atIndex: 11),
                firstReceivedAt: try row.decode(atIndex: 12), visibleAt: try row.decode(atIndex: 13),
                token: UInt32(truncatingIfNeeded: try row.decode(Int64.self, atIndex: 14)))
            snapshot.messages.append((queue: try row.decode(atIndex: 1), record: record))
        }
        return snapshot
    }
}

/// Attribute lists and string maps as compact JSON text and back: sorted keys, absent values
/// left out, binary values base64. Made per batch or load; it keeps its JSON coders.
struct RecordCoder {
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    private let decoder = JSONDecoder()

    func encode(_ attributes: [SQSStoredAttribute]) throws -> String {
        if attributes.isEmpty { return "[]" }   // most messages: no encoder call
        return try text(encoder.encode(attributes.map(StoredAttributeJSON.init)))
    }

    func encode(_ map: [String: String]) throws -> String {
        if map.isEmpty { return "{}" }
        return try text(encoder.encode(map))
    }

    func decodeAttributes(_ text: String, path: String, what: String) throws(SQSStorageError) -> [SQSStoredAttribute] {
        if text == "[]" { return [] }
        do {
            return try decoder.decode([StoredAttributeJSON].self, from: Data(text.utf8)).map(\.attribute)
        } catch {
            throw .corruptRecord(path: path, what: what, reason: "\(error)")
        }
    }

    func decodeMap(_ text: String, path: String, what: String) throws(SQSStorageError) -> [String: String] {
        if text == "{}" { return [:] }
        do {
            return try decoder.decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw .corruptRecord(path: path, what: what, reason: "\(error)")
        }
    }

    private func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
}

/// `SQSStoredAttribute` as stored: one-letter keys, empty lists and absent values left out.
private struct StoredAttributeJSON: Codable {
    var name: String
    var dataType: String
    var stringValue: String?
    var binaryValue: Data?
    var stringListValues: [String]?
    var binaryListValues: [Data]?

    enum CodingKeys: String, CodingKey {
        case name = "n", dataType = "t", stringValue = "s", binaryValue = "b"
        case stringListValues = "sl", binaryListValues = "bl"
    }

    init(_ attribute: SQSStoredAttribute) {
        let value = attribute.value
        name = attribute.name
        dataType = value.dataType
        stringValue = value.stringValue
        binaryValue = value.binaryValue.map { Data($0) }
        stringListValues = value.stringListValues.isEmpty ? nil : value.stringListValues
        binaryListValues = value.binaryListValues.isEmpty ? nil : value.binaryListValues.map { Data($0) }
    }

    var attribute: SQSStoredAttribute {
        var value = MessageAttributeValue(dataType: dataType, stringValue: stringValue, binaryValue: binaryValue.map(Array.init))
        value.stringListValues = stringListValues ?? []
        value.binaryListValues = binaryListValues?.map(Array.init) ?? []
        return SQSStoredAttribute(name: name, value: value)
    }
}
