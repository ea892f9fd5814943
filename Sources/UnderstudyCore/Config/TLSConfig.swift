import UnderstudyNet

/// TLS for `serve` (`tls:`): data-plane listeners that speak HTTPS next to the plain ones in
/// `server.listen`, their certificate (PEM files, or one made at start), the handshake's
/// deadline, and whether the admin plane uses TLS too.
public struct TLSConfig: ConfigSection, Codable, Equatable, Sendable {
    /// HTTPS listeners of the data plane, e.g. `["0.0.0.0:8443"]`; empty: none.
    public var listen: [ListenAddress] = []
    /// PEM certificate chain (leaf first).
    public var cert: String?
    /// PEM private key of the leaf certificate.
    public var key: String?
    /// Make a throw-away certificate at start instead of `cert`/`key` (a staging target
    /// behind an ALB, which does not verify target certificates).
    public var selfSigned = false
    /// A connection that has not finished its handshake by then is closed.
    public var handshakeTimeout = ConfigDuration(.seconds(10))
    /// The admin plane listens with TLS too (same certificate).
    public var admin = false

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, cert, key, selfSigned = "self_signed", handshakeTimeout = "handshake_timeout", admin
    }

    /// True when some listener needs a certificate.
    public var isUsed: Bool { !listen.isEmpty || admin }

    /// The server context for the configured certificate; throws a config error naming the
    /// key (`tls.cert`, `tls.key`) and OpenSSL's reason.
    public func makeContext(section: String = "tls") throws(ConfigError) -> TLSContext {
        do {
            if selfSigned { return try TLSContext(selfSignedFor: "localhost") }
            return try TLSContext(certificateChain: cert ?? "", privateKey: key ?? "")
        } catch {
            let key = switch error {
            case .certificate: section + ".cert"
            case .privateKey, .keyMismatch: section + ".key"
            case .setup: selfSigned ? section + ".self_signed" : section
            }
            throw ConfigError(source: "config", key: key, reason: error.description)
        }
    }
}
