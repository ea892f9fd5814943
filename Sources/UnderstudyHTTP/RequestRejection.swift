/// Why a request was refused; `status` and `reason` (the one-line body the client reads)
/// are derived here and nowhere else. Every rejection closes the connection.
public enum RequestRejection: Error, Equatable, Sendable {
    case malformedRequestLine
    case invalidMethod
    case invalidTarget
    case unsupportedVersion(String)
    case requestLineTooLong(limit: Int)
    case headerTooLarge(limit: Int)
    case tooManyHeaderFields(limit: Int)
    case obsoleteLineFolding                  // RFC 9112 §5.2
    case whitespaceBeforeColon                // RFC 9112 §5.1
    case invalidFieldName
    case invalidFieldValue
    case bareCarriageReturn                   // RFC 9112 §2.2
    case nulByte
    case conflictingFraming                   // RFC 9112 §6.1
    case invalidContentLength
    case conflictingContentLength             // RFC 9110 §8.6
    case transferEncodingNotChunked           // RFC 9112 §6.3
    case transferEncodingInHTTP10             // RFC 9112 §6.1
    case unknownTransferCoding(String)        // RFC 9112 §6.1: 501
    case missingHost                          // RFC 9112 §3.2
    case multipleHost
    case invalidChunkSize
    case malformedChunk
    case bodyTooLarge(limit: Int)
    case headerTimeout(limit: String)
    case bodyTimeout(limit: String)

    public var status: Int {
        switch self {
        case .requestLineTooLong: 414
        case .headerTooLarge, .tooManyHeaderFields: 431
        case .bodyTooLarge: 413
        case .unsupportedVersion: 505
        case .unknownTransferCoding: 501
        case .headerTimeout, .bodyTimeout: 408
        default: 400
        }
    }

    public var reason: String {
        switch self {
        case .malformedRequestLine: "malformed request line"
        case .invalidMethod: "invalid method token"
        case .invalidTarget: "invalid request target"
        case .unsupportedVersion(let version): "HTTP version \(version) is not supported"
        case .requestLineTooLong(let limit): "request line over server.limits.request_line (\(formatSize(limit)))"
        case .headerTooLarge(let limit): "header section over server.limits.header_bytes (\(formatSize(limit)))"
        case .tooManyHeaderFields(let limit): "more than server.limits.header_fields (\(limit)) header fields"
        case .obsoleteLineFolding: "obsolete line folding in header section"
        case .whitespaceBeforeColon: "whitespace between header field name and colon"
        case .invalidFieldName: "invalid header field name"
        case .invalidFieldValue: "invalid byte in header field value"
        case .bareCarriageReturn: "bare CR in request head"
        case .nulByte: "NUL byte in request head"
        case .conflictingFraming: "Content-Length and Transfer-Encoding together"
        case .invalidContentLength: "invalid Content-Length"
        case .conflictingContentLength: "differing Content-Length values"
        case .transferEncodingNotChunked: "Transfer-Encoding must end with chunked, once"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 request"
        case .unknownTransferCoding(let coding): "transfer coding \"\(coding)\" is not implemented"
        case .missingHost: "missing Host header"
        case .multipleHost: "more than one Host header"
        case .invalidChunkSize: "invalid chunk size"
        case .malformedChunk: "malformed chunked body"
        case .bodyTooLarge(let limit): "body over server.limits.body_bytes (\(formatSize(limit)))"
        case .headerTimeout(let limit): "request head not received within server.timeouts.header (\(limit))"
        case .bodyTimeout(let limit): "request body not received within server.timeouts.body (\(limit))"
        }
    }
}

/// `16KiB`, `10MiB`, `100B`: the largest binary unit that divides `bytes` exactly.
func formatSize(_ bytes: Int) -> String {
    for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size && bytes % size == 0 {
        return "\(bytes / size)\(unit)"
    }
    return "\(bytes)B"
}
