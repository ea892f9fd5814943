extension SigV4Outcome {
    /// The error SQS answers for a failed check; nil when the signature is valid.
    var sqsError: SQSError? {
        if case .valid = self { return nil }
        return SQSError(name: code, status: status, message: message)
    }
}
