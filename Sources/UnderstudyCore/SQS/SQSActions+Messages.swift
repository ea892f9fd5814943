/// Message-level actions except ReceiveMessage: send, delete and change visibility, each
/// alone and in batches of up to ten entries with distinct, well-formed ids.
extension SQSActions {
    func sendMessage(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let request = try Self.sendRequest(input)
        let (outcomes, ticket) = try store.send([request], to: name)
        let outcome = try outcomes[0].get()
        return Outcome(result: .object(Self.sentFields(outcome)), ticket: ticket)
    }

    func sendMessageBatch(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let entries = try Self.batchEntries(input)
        var requests: [SendRequest] = []
        var parseFailures: [Int: SQSError] = [:]
        var totalBytes = 0
        for (index, entry) in entries.enumerated() {
            do {
                let request = try Self.sendRequest(entry)
                totalBytes += request.size
                requests.append(request)
            } catch {
                parseFailures[index] = error
                requests.append(SendRequest(body: ""))
            }
        }
        if totalBytes > 1_048_576 { throw .batchRequestTooLong(totalBytes, limit: 1_048_576) }
        let valid = requests.indices.filter { parseFailures[$0] == nil }
        let (outcomes, ticket) = try store.send(valid.map { requests[$0] }, to: name)
        var results = [Result<SendOutcome, SQSError>?](repeating: nil, count: entries.count)
        for (position, index) in valid.enumerated() { results[index] = outcomes[position] }
        var successful: [JSONValue] = []
        var failed: [JSONValue] = []
        for (index, entry) in entries.enumerated() {
            let id = (try? entry.string("Id")) ?? nil ?? ""
            if let error = parseFailures[index] {
                failed.append(Self.failure(id: id, error))
                continue
            }
            switch results[index] {
            case .success(let outcome)?: successful.append(.object([.init("Id", .string(id))] + Self.sentFields(outcome)))
            case .failure(var error)?:
                // In a batch AWS words a missing MessageGroupId as an invalid value (same text).
                if error.queryCode == "MissingParameter" { error = .invalidParameterValue(error.message) }
                failed.append(Self.failure(id: id, error))
            case nil: break
            }
        }
        return Outcome(result: Self.batchResult(successful, failed), ticket: ticket)
    }

    func deleteMessage(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let handle = try input.required("ReceiptHandle")
        let (outcomes, ticket) = try store.delete([handle], from: name)
        if let error = outcomes[0] { throw error }
        wakeAfterDeleting(1, from: name)
        return Outcome(ticket: ticket)
    }

    func deleteMessageBatch(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let entries = try Self.batchEntries(input)
        var handles: [String] = []
        for entry in entries { handles.append(try entry.string("ReceiptHandle") ?? "") }
        let (outcomes, ticket) = try store.delete(handles, from: name)
        wakeAfterDeleting(outcomes.count { $0 == nil }, from: name)
        return Outcome(result: try Self.batchResult(entries, outcomes), ticket: ticket)
    }

    /// A delete on a FIFO queue can end a message group's in-flight batch and so free the
    /// group's next messages: wake that many long polls to look again (they wait again if
    /// nothing is theirs). Standard queues' deletes free nothing.
    private func wakeAfterDeleting(_ count: Int, from name: String) {
        guard count > 0, name.hasSuffix(".fifo") else { return }
        store.wakeNext(name, count: count)
    }

    func changeVisibility(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let handle = try input.required("ReceiptHandle")
        guard let seconds = try input.integer("VisibilityTimeout", in: 0...43_200,
                                              reason: "VisibilityTimeout must be an integer between 0 and 43200.") else {
            throw .missingParameter("VisibilityTimeout")
        }
        let (outcomes, ticket) = try store.changeVisibility([(handle, seconds)], in: name)
        if let error = outcomes[0] { throw error }
        if seconds > 0 { store.wakeNext(name) }   // a waiting poll re-arms its timer for the new end
        return Outcome(ticket: ticket)
    }

    func changeVisibilityBatch(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let entries = try Self.batchEntries(input)
        var wanted: [(handle: String, seconds: Int)] = []
        var invalid: [Int: SQSError] = [:]
        for (index, entry) in entries.enumerated() {
            do {
                let seconds = try entry.integer("VisibilityTimeout", in: 0...43_200,
                                                reason: "VisibilityTimeout must be an integer between 0 and 43200.") ?? 0
                wanted.append((try entry.required("ReceiptHandle"), seconds))
            } catch {
                invalid[index] = error
                wanted.append(("", 0))
            }
        }
        let (outcomes, ticket) = try store.changeVisibility(wanted, in: name)
        let merged = outcomes.enumerated().map { invalid[$0.offset] ?? $0.element }
        store.wakeNext(name, count: zip(wanted, merged).count { $0.seconds > 0 && $1 == nil })   // re-arm, as above
        return Outcome(result: try Self.batchResult(entries, merged), ticket: ticket)
    }

    // MARK: Shared pieces

    /// Batch entries, checked as SQS does: 1–10 of them, distinct ids of `[A-Za-z0-9_-]{1,80}`.
    static func batchEntries(_ input: SQSInput) throws(SQSError) -> [SQSInput] {
        let entries = try input.entries("Entries")
        guard !entries.isEmpty else { throw .emptyBatch() }
        guard entries.count <= 10 else { throw .tooManyEntries(entries.count) }
        var seen = Set<String>()
        for entry in entries {
            let id = try entry.string("Id") ?? ""
            let valid = !id.isEmpty && id.utf8.count <= 80 && id.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            }
            guard valid else { throw .invalidBatchEntryId(id) }
            guard seen.insert(id).inserted else { throw .batchEntryIdsNotDistinct(id) }
        }
        return entries
    }

    static func batchResult(_ entries: [SQSInput], _ outcomes: [SQSError?]) throws(SQSError) -> JSONValue {
        var successful: [JSONValue] = []
        var failed: [JSONValue] = []
        for (entry, outcome) in zip(entries, outcomes) {
            let id = try entry.string("Id") ?? ""
            if let error = outcome { failed.append(failure(id: id, error)) } else { successful.append(.object([.init("Id", .string(id))])) }
        }
        return batchResult(successful, failed)
    }

    static func batchResult(_ successful: [JSONValue], _ failed: [JSONValue]) -> JSONValue {
        .object([.init("Successful", .array(successful)), .init("Failed", .array(failed))])
    }

    static func failure(id: String, _ error: SQSError) -> JSONValue {
        .object([.init("Id", .string(id)), .init("SenderFault", .bool(error.isSenderFault)),
                 .init("Code", .string(error.queryCode)), .init("Message", .string(error.message))])
    }

    static func sentFields(_ outcome: SendOutcome) -> [JSONValue.Member] {
        var fields: [JSONValue.Member] = [.init("MD5OfMessageBody", .string(outcome.bodyMD5))]
        if let md5 = outcome.attributesMD5 { fields.append(.init("MD5OfMessageAttributes", .string(md5))) }
        if let md5 = outcome.systemAttributesMD5 { fields.append(.init("MD5OfMessageSystemAttributes", .string(md5))) }
        fields.append(.init("MessageId", .string(outcome.messageID)))
        if let number = outcome.sequenceNumber { fields.append(.init("SequenceNumber", .string(number))) }
        return fields
    }

    /// A SendMessage (or batch entry) input as a store request, checked as SQS checks it.
    static func sendRequest(_ input: SQSInput) throws(SQSError) -> SendRequest {
        guard let body = try input.string("MessageBody") else { throw .missingParameter("MessageBody") }
        guard !body.isEmpty else {
            throw .invalidParameterValue("The request must contain the parameter MessageBody.")
        }
        if !isPlainText(body), let bad = body.unicodeScalars.first(where: { !isAllowed($0) }) {
            throw .invalidMessageContents("Invalid binary character '#x\(String(bad.value, radix: 16, uppercase: true))' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
        }
        var request = SendRequest(body: body)
        request.delaySeconds = try input.integer("DelaySeconds", in: 0...900,
                                                 reason: "DelaySeconds must be >= 0 and <= 900")
        request.attributes = try input.messageAttributes("MessageAttributes")
        request.systemAttributes = try input.messageAttributes("MessageSystemAttributes")
        for attribute in request.systemAttributes where attribute.name != "AWSTraceHeader" {
            throw .invalidParameterValue("Message system attribute name '\(attribute.name)' is invalid.")
        }
        request.groupID = try input.string("MessageGroupId")
        request.deduplicationID = try input.string("MessageDeduplicationId")
        for (name, value) in [("MessageGroupId", request.groupID), ("MessageDeduplicationId", request.deduplicationID)] {
            guard let value else { continue }
            guard !value.isEmpty, value.utf8.count <= 128, value.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
                throw .invalidParameterValue(name, value, reason: "\(name) can only include alphanumeric and punctuation characters. 1 to 128 in length.")
            }
        }
        return request
    }

    /// Printable ASCII, tab, LF or CR only (the usual body): allowed without decoding scalars.
    static func isPlainText(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var plain = true
            for byte in bytes { plain = plain && (byte >= 0x20 && byte < 0x7F || byte == 0x09 || byte == 0x0A || byte == 0x0D) }
            return plain
        }
    }

    /// The characters SQS accepts in a message body (XML 1.0's).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
