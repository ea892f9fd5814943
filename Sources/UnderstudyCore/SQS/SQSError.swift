/// An SQS error as both wire protocols carry it: the JSON protocol's `__type` name, the
/// query protocol's code (also sent to JSON clients in `x-amzn-query-error`, which SDKs use
/// to map the error back to the legacy code), the HTTP status, and whose fault it was.
/// Codes and statuses follow SQS's Smithy model (`@awsQueryError`); see `SQSErrorCatalog`.
public struct SQSError: Error, Equatable, Sendable {
    /// The JSON protocol's short type name, e.g. `QueueDoesNotExist`.
    public var name: String
    /// The query protocol's code, e.g. `AWS.SimpleQueueService.NonExistentQueue`.
    public var queryCode: String
    public var status: Int
    /// `Sender` (the client's fault) or `Receiver`.
    public var isSenderFault: Bool
    public var message: String

    public init(name: String, queryCode: String? = nil, status: Int = 400, isSenderFault: Bool = true, message: String) {
        self.name = name
        self.queryCode = queryCode ?? name
        self.status = status
        self.isSenderFault = isSenderFault
        self.message = message
    }

    /// The JSON protocol's `__type`: modelled errors are `com.amazonaws.sqs#Name`.
    public var jsonType: String {
        name.contains("#") ? name : "com.amazonaws.sqs#" + name
    }

    /// The message as the given protocol words it (QueueDoesNotExist differs).
    func message(for wire: SQSWire) -> String {
        wire == .query && name == "QueueDoesNotExist" ? "The specified queue does not exist for this wsdl version." : message
    }

    /// `x-amzn-query-error` value: `code;Sender` or `code;Receiver`.
    public var queryErrorHeader: String { queryCode + (isSenderFault ? ";Sender" : ";Receiver") }

    // MARK: Modelled errors

    public static func queueDoesNotExist() -> SQSError {
        .init(name: "QueueDoesNotExist", queryCode: "AWS.SimpleQueueService.NonExistentQueue",
              message: "The specified queue does not exist.")
    }
    public static func queueNameExists(_ attribute: String) -> SQSError {
        .init(name: "QueueNameExists", queryCode: "QueueAlreadyExists",
              message: "A queue already exists with the same name and a different value for attribute \(attribute)")
    }
    public static func purgeQueueInProgress(_ queue: String) -> SQSError {
        .init(name: "PurgeQueueInProgress", queryCode: "AWS.SimpleQueueService.PurgeQueueInProgress", status: 403,
              message: "Only one PurgeQueue operation on \(queue) is allowed every 60 seconds.")
    }
    public static func messageNotInflight() -> SQSError {
        .init(name: "MessageNotInflight", queryCode: "AWS.SimpleQueueService.MessageNotInflight",
              message: "The message referred to isn't in flight.")
    }
    public static func receiptHandleIsInvalid(_ handle: String) -> SQSError {
        .init(name: "ReceiptHandleIsInvalid", status: 404,
              message: "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
    }
    public static func tooManyEntries(_ count: Int) -> SQSError {
        .init(name: "TooManyEntriesInBatchRequest", queryCode: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
              message: "Maximum number of entries per request are 10. You have sent \(count).")
    }
    public static func emptyBatch() -> SQSError {
        .init(name: "EmptyBatchRequest", queryCode: "AWS.SimpleQueueService.EmptyBatchRequest",
              message: "There should be at least one entry in the request.")
    }
    public static func batchEntryIdsNotDistinct(_ id: String) -> SQSError {
        .init(name: "BatchEntryIdsNotDistinct", queryCode: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
              message: "Id \(id) repeated.")
    }
    public static func invalidBatchEntryId(_ id: String) -> SQSError {
        .init(name: "InvalidBatchEntryId", queryCode: "AWS.SimpleQueueService.InvalidBatchEntryId",
              message: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
    }
    public static func batchRequestTooLong(_ bytes: Int, limit: Int) -> SQSError {
        .init(name: "BatchRequestTooLong", queryCode: "AWS.SimpleQueueService.BatchRequestTooLong",
              message: "Batch requests cannot be longer than \(limit) bytes. You have sent \(bytes) bytes.")
    }
    public static func invalidAttributeName(_ name: String) -> SQSError {
        .init(name: "InvalidAttributeName", message: "Unknown Attribute \(name).")
    }
    public static func invalidAttributeValue(_ message: String) -> SQSError {
        .init(name: "InvalidAttributeValue", message: message)
    }
    public static func invalidMessageContents(_ message: String) -> SQSError {
        .init(name: "InvalidMessageContents", message: message)
    }
    public static func overLimit(_ message: String) -> SQSError {
        .init(name: "OverLimit", status: 403, message: message)
    }
    public static func unsupportedOperation(_ message: String) -> SQSError {
        .init(name: "UnsupportedOperation", queryCode: "AWS.SimpleQueueService.UnsupportedOperation", message: message)
    }

    // MARK: Common errors (not in the model; every AWS query service has them)

    public static func invalidParameterValue(_ message: String) -> SQSError {
        .init(name: "com.amazon.coral.service#InvalidParameterValueException", queryCode: "InvalidParameterValue", message: message)
    }
    public static func invalidParameterValue(_ parameter: String, _ value: String, reason: String) -> SQSError {
        .invalidParameterValue("Value \(value) for parameter \(parameter) is invalid. Reason: \(reason)")
    }
    public static func missingParameter(_ parameter: String) -> SQSError {
        .init(name: "com.amazon.coral.service#MissingRequiredParameterException", queryCode: "MissingParameter",
              message: "The request must contain the parameter \(parameter).")
    }
    public static func invalidAction(_ action: String) -> SQSError {
        .init(name: "com.amazon.coral.service#UnknownOperationException", queryCode: "InvalidAction",
              message: "The action \(action) is not valid for this endpoint.")
    }
    public static func missingAction() -> SQSError {
        .init(name: "MissingAction", message: "The request must contain the parameter Action.")
    }
    public static func malformedInput(_ message: String) -> SQSError {
        .init(name: "com.amazon.coral.service#SerializationException", queryCode: "MalformedQueryString", message: message)
    }
    public static func signatureDoesNotMatch() -> SQSError {
        .init(name: "SignatureDoesNotMatch", status: 403,
              message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
    }
    public static func invalidClientTokenId() -> SQSError {
        .init(name: "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid.")
    }
    public static func incompleteSignature(_ message: String) -> SQSError {
        .init(name: "IncompleteSignature", status: 400, message: message)
    }
    public static func missingAuthenticationToken() -> SQSError {
        .init(name: "MissingAuthenticationToken", status: 403, message: "Request is missing Authentication Token")
    }
}
