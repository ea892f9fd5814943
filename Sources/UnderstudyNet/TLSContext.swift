import CSSL

/// An OpenSSL context shared by every TLS connection of a listener (or of the gateway's
/// target side): protocol versions, ciphers, ALPN and the certificate. Immutable after
/// `init`; OpenSSL contexts are safe to share across threads once configured.
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    /// A server context with the certificate chain and key in PEM files; throws naming the
    /// file and OpenSSL's reason when one cannot be read or the key does not match.
    public init(certificateChain: String, privateKey: String) throws(TLSError) {
        guard let context = cssl_server_context() else { throw .setup(Self.lastError()) }
        self.context = context
        guard SSL_CTX_use_certificate_chain_file(context, certificateChain) == 1 else {
            throw .certificate(path: certificateChain, reason: Self.lastError())
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKey, SSL_FILETYPE_PEM) == 1 else {
            throw .privateKey(path: privateKey, reason: Self.lastError())
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .keyMismatch(certificate: certificateChain, key: privateKey, reason: Self.lastError())
        }
    }

    /// A server context with a throw-away certificate made now (a fresh P-256 key, valid a
    /// year, for `commonName`, localhost, 127.0.0.1 and ::1).
    public init(selfSignedFor commonName: String) throws(TLSError) {
        guard let context = cssl_server_context() else { throw .setup(Self.lastError()) }
        self.context = context
        guard cssl_use_self_signed(context, commonName) == 1 else { throw .setup("self-signed certificate: \(Self.lastError())") }
    }

    /// A client context that does not verify the server (ALB does not verify targets).
    public init(clientWithoutVerification: Void) throws(TLSError) {
        guard let context = cssl_client_context() else { throw .setup(Self.lastError()) }
        self.context = context
    }

    deinit {
        SSL_CTX_free(context)
    }

    static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        cssl_last_error(&buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "unknown OpenSSL error" : text
    }
}

/// Why a TLS context could not be set up; `description` is the line the CLI prints.
public enum TLSError: Error, Equatable, Sendable, CustomStringConvertible {
    case setup(String)
    case certificate(path: String, reason: String)
    case privateKey(path: String, reason: String)
    case keyMismatch(certificate: String, key: String, reason: String)

    public var description: String {
        switch self {
        case .setup(let reason): "TLS setup failed: \(reason)"
        case .certificate(let path, let reason): "cannot use certificate \(path): \(reason)"
        case .privateKey(let path, let reason): "cannot use private key \(path): \(reason)"
        case .keyMismatch(let certificate, let key, let reason): "private key \(key) does not match certificate \(certificate): \(reason)"
        }
    }
}
