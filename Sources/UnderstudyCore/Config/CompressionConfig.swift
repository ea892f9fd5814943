/// Response compression and request-body decoding (`compression:`), for the data and admin
/// planes (the gateway passes bodies through as they are, as a load balancer does).
public struct CompressionConfig: ConfigSection, Codable, Equatable, Sendable {
    /// Compress responses whose client asks (`Accept-Encoding`), and decode `gzip`/`deflate`
    /// request bodies; false leaves both as they are.
    public var enabled = true
    /// Bodies shorter than this go uncompressed (nginx's `gzip_min_length`); a streamed
    /// response of unknown length is compressed whatever its length.
    public var minBytes = ByteSize.kibibytes(1)
    /// zlib level, 1 (fastest) to 9 (smallest); 6 is zlib's and Go's default.
    public var level = 6
    /// Media types worth compressing (`type/subtype`, `type/*`, or `type/*+suffix`);
    /// compared without parameters and case.
    public var types = ["text/*", "application/json", "application/*+json", "application/xml", "application/*+xml",
                        "application/javascript", "application/x-amz-json-1.0", "image/svg+xml"]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, minBytes = "min_bytes", level, types
    }
}
