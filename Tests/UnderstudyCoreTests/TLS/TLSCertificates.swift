import Foundation
import Testing
import TestSupport

/// A throw-away CA and a `localhost` certificate it signed (plus an unrelated key), made with
/// the openssl CLI in a temporary folder, for TLS tests that verify like a real client.
struct TLSCertificates {
    let directory: String
    var ca: String { directory + "/ca.pem" }
    var certificate: String { directory + "/cert.pem" }
    var key: String { directory + "/key.pem" }
    var otherKey: String { directory + "/other.pem" }

    /// nil after a skip (no openssl CLI).
    static func make(sourceLocation: SourceLocation = #_sourceLocation) throws -> TLSCertificates? {
        guard let openssl = ExternalTool.require("openssl", sourceLocation: sourceLocation) else { return nil }
        let directory = NSTemporaryDirectory() + "understudy-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: directory + "/ext.cnf", atomically: true, encoding: .utf8)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        for arguments in [
            ["req", "-x509"] + curve + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Understudy Test CA"],
            ["req"] + curve + ["-keyout", "key.pem", "-out", "leaf.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "cert.pem",
             "-days", "2", "-extfile", "ext.cnf"],
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.pem"],
        ] {
            let result = try ExternalTool.run(openssl, arguments.map { $0.hasSuffix(".pem") || $0.hasSuffix(".key") || $0.hasSuffix(".csr") || $0.hasSuffix(".cnf") ? directory + "/" + $0 : $0 })
            try #require(result.status == 0, "openssl \(arguments[0]) failed: \(result.stderr)", sourceLocation: sourceLocation)
        }
        return TLSCertificates(directory: directory)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
