import Foundation

/// One queue's counts and totals, for `/api/queues`, `/api/state` and `/metrics`.
public struct QueueSummary: Encodable, Sendable, Equatable {
    public var name: String
    public var fifo: Bool
    public var visible: Int
    public var inFlight: Int
    public var delayed: Int
    public var sent: Int
    public var received: Int
    public var deleted: Int

    enum CodingKeys: String, CodingKey {
        case name, fifo, visible, delayed, sent, received, deleted
        case inFlight = "in_flight"
    }
}

/// A message as the admin API shows it: a peek, which changes nothing.
public struct PeekedMessage: Encodable, Sendable {
    public var messageID: String
    public var body: String
    public var state: String
    public var sentTimestamp: Int64
    public var receiveCount: Int
    public var groupID: String?
    public var attributes: [String: String]

    enum CodingKeys: String, CodingKey {
        case body, state, attributes
        case messageID = "message_id", sentTimestamp = "sent_timestamp", receiveCount = "receive_count", groupID = "group_id"
    }
}

extension QueueStore {
    /// Every queue's counts, by name.
    public func summaries() -> [QueueSummary] {
        (try? withState { (state, now, changes) throws(SQSError) in
            state.queues.keys.sorted().compactMap { name in
                guard let queue = state.queues[name] else { return nil }
                advance(queue, state: &state, now: now, changes: &changes)
                let counters = state.counters[name] ?? QueueCounters()
                return QueueSummary(name: name, fifo: queue.isFIFO, visible: queue.visibleCount, inFlight: queue.inFlightCount,
                                    delayed: queue.delayedCount, sent: counters.sent, received: counters.received,
                                    deleted: counters.deleted)
            }
        }.0) ?? []
    }

    /// Up to `limit` messages in send order, without receiving them (visibility unchanged).
    public func peek(_ name: String, limit: Int = 50) -> [PeekedMessage]? {
        (try? withState { (state, now, changes) throws(SQSError) -> [PeekedMessage]? in
            guard let queue = state.queues[name] else { return nil }
            advance(queue, state: &state, now: now, changes: &changes)
            return queue.firstMessages(limit).map { message in
                let state = message.visibleAt <= now ? "visible" : message.receiveCount > 0 ? "in_flight" : "delayed"
                var attributes: [String: String] = [:]
                for (key, value) in message.attributes {
                    attributes[key] = value.stringValue ?? value.binaryValue.map { Data($0).base64EncodedString() } ?? ""
                }
                return PeekedMessage(messageID: message.messageID, body: message.body, state: state, sentTimestamp: message.sentAt,
                                     receiveCount: message.receiveCount, groupID: message.groupID, attributes: attributes)
            }
        })?.0 ?? nil
    }

    /// Prometheus text for every queue: messages sent, received and deleted (counters) and
    /// messages by state (gauge).
    public func renderMetrics() -> String {
        let all = summaries()
        var text = ""
        for (metric, help, value) in [
            ("understudy_sqs_messages_sent_total", "Messages stored by SendMessage and SendMessageBatch.", \QueueSummary.sent),
            ("understudy_sqs_messages_received_total", "Messages handed out by ReceiveMessage.", \QueueSummary.received),
            ("understudy_sqs_messages_deleted_total", "Messages deleted by DeleteMessage and DeleteMessageBatch.", \QueueSummary.deleted),
        ] {
            text += "# HELP \(metric) \(help)\n# TYPE \(metric) counter\n"
            for summary in all { text += "\(metric){queue=\"\(Self.labelEscaped(summary.name))\"} \(summary[keyPath: value])\n" }
        }
        text += "# HELP understudy_sqs_messages Messages in each queue by state.\n# TYPE understudy_sqs_messages gauge\n"
        for summary in all {
            let queue = Self.labelEscaped(summary.name)
            text += "understudy_sqs_messages{queue=\"\(queue)\",state=\"visible\"} \(summary.visible)\n"
            text += "understudy_sqs_messages{queue=\"\(queue)\",state=\"in_flight\"} \(summary.inFlight)\n"
            text += "understudy_sqs_messages{queue=\"\(queue)\",state=\"delayed\"} \(summary.delayed)\n"
        }
        return text
    }

    private static func labelEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
