/// Every SQS error by name, for fault rules' `respond: {sqs_error: …}`: the modelled
/// errors (looked up by JSON name or query code) with their usual status and AWS's
/// message, the common query-API errors, and any other code as a 400 sender fault.
enum SQSErrorCatalog {
    static let known: [SQSError] = [
        .queueDoesNotExist(), .queueNameExists("VisibilityTimeout"), .purgeQueueInProgress("the queue"),
        .messageNotInflight(), .receiptHandleIsInvalid("…"), .tooManyEntries(11), .emptyBatch(),
        .batchEntryIdsNotDistinct("…"), .invalidBatchEntryId("…"), .batchRequestTooLong(1_048_577, limit: 1_048_576),
        .invalidAttributeName("…"), .invalidAttributeValue("Invalid value for the parameter."),
        .invalidMessageContents("Invalid characters found in the message body."),
        .overLimit("Too many messages in flight."), .unsupportedOperation("The operation is not supported."),
        .init(name: "QueueDeletedRecently", queryCode: "AWS.SimpleQueueService.QueueDeletedRecently",
              message: "You must wait 60 seconds after deleting a queue before you can create another queue with the same name."),
        .init(name: "RequestThrottled", status: 403, message: "Request is throttled."),
        .init(name: "InvalidAddress", status: 404, message: "The specified ID is invalid."),
        .init(name: "InvalidSecurity", status: 403, message: "The request was not made over HTTPS or did not use SigV4 for signing."),
        .init(name: "InvalidIdFormat", message: "The specified receipt handle isn't valid for the current version."),
        .init(name: "KmsThrottled", queryCode: "KMS.ThrottlingException", message: "Amazon SQS was throttled by AWS KMS."),
        .init(name: "KmsAccessDenied", queryCode: "KMS.AccessDeniedException", message: "The caller doesn't have the required KMS access."),
        .init(name: "ResourceNotFoundException", status: 404, message: "One or more specified resources don't exist."),
        .invalidParameterValue("An invalid or out-of-range value was supplied for the input parameter."),
        .missingParameter("QueueUrl"), .invalidAction(""), .signatureDoesNotMatch(), .invalidClientTokenId(),
        .init(name: "AccessDenied", status: 403, message: "Access to the resource is denied."),
        .init(name: "InternalFailure", status: 500, isSenderFault: false,
              message: "The request processing has failed because of an unknown error, exception or failure."),
        .init(name: "ServiceUnavailable", status: 503, isSenderFault: false,
              message: "The request has failed due to a temporary failure of the server."),
        .init(name: "ThrottlingException", status: 400, message: "Rate exceeded"),
        .init(name: "RequestExpired", status: 400, message: "Request has expired."),
    ]

    /// The error named `code` (JSON name or query code), or a 400 sender fault of that name.
    static func error(named code: String) -> SQSError {
        known.first { $0.name == code || $0.queryCode == code }
            ?? SQSError(name: code, message: "\(code) (injected by an Understudy fault rule)")
    }
}
