import UnderstudyNet

/// Config files and flags write listen addresses as `host:port` strings.
extension ListenAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.reason(for: error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The config message for a bad address: the expected shape, then what was wrong.
    static func reason(for error: ListenAddressError) -> String {
        switch error {
        case .missingPort(let text): "expected host:port like 127.0.0.1:8080, got \"\(text)\""
        default: "expected host:port like 127.0.0.1:8080, \(error)"
        }
    }
}
