import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/basic-auth`, `/hidden-basic-auth`, `/bearer` and a digest-auth round trip.
@Suite struct HTTPBinAuthTests {
    static func basic(_ credentials: String) -> String { "Authorization: Basic " + Data(credentials.utf8).base64EncodedString() }

    @Test func basicAuthChecksCredentials() async throws {
        try await withTestServer { server in
            let ok = try send(server, "/basic-auth/user/pass", headers: [Self.basic("user:pass")])
            #expect(ok.status == 200)
            #expect(ok.bodyText == "{\n  \"authenticated\": true,\n  \"user\": \"user\",\n  \"authorized\": true\n}\n")
            let wrong = try send(server, "/basic-auth/user/pass", headers: [Self.basic("user:nope")])
            #expect(wrong.status == 401)
            #expect(wrong.header("WWW-Authenticate") == "Basic realm=\"Fake Realm\"")
            #expect(try jsonObject(wrong)["authenticated"] as? Bool == false)
            #expect(try jsonObject(wrong)["user"] as? String == "user")
            let hidden = try send(server, "/hidden-basic-auth/user/pass")
            try expectError(hidden, 404, detail: nil)
            #expect(hidden.header("WWW-Authenticate") == nil)
            #expect(try send(server, "/hidden-basic-auth/user/pass", headers: [Self.basic("user:pass")]).status == 200)
        }
    }

    @Test func bearerNeedsExactlyATokenAfterBearer() async throws {
        try await withTestServer { server in
            let ok = try jsonObject(send(server, "/bearer", headers: ["Authorization: Bearer abc"]))
            #expect(ok["authenticated"] as? Bool == true && ok["token"] as? String == "abc")
            for header in ["", "Authorization: bearer abc", "Authorization: Bearer a b"] {
                let refused = try send(server, "/bearer", headers: header.isEmpty ? [] : [header])
                try expectError(refused, 401, detail: nil)
                #expect(refused.header("WWW-Authenticate") == "Bearer")
            }
        }
    }

    @Test func digestHashesMatchKnownVectors() {
        #expect(HTTPBinDigestAuth.hexDigest("", sha256: false) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(HTTPBinDigestAuth.hexDigest("abc", sha256: true) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test(arguments: [("MD5", false), ("SHA-256", true)])
    func digestAuthRoundTrip(_ algorithm: String, _ sha256: Bool) async throws {
        try await withTestServer { server in
            let path = "/digest-auth/auth/user/pass/\(algorithm)"
            let challenge = try send(server, path)
            try expectError(challenge, 401, detail: nil)
            let header = try #require(challenge.header("WWW-Authenticate"))
            #expect(header.hasPrefix("Digest qop=auth, realm=\"go-httpbin\", algorithm=\(algorithm), nonce="))
            let nonce = try #require(header.components(separatedBy: "nonce=").last?.components(separatedBy: ",").first)
            // RFC 7616 §3.4.1, computed here from the known vectors above.
            let hash = { (text: String) in HTTPBinDigestAuth.hexDigest(text, sha256: sha256) }
            let ha1 = hash("user:go-httpbin:pass"), ha2 = hash("GET:\(path)")
            let response = hash("\(ha1):\(nonce):00000001:c0ffee:auth:\(ha2)")
            let authorization = "Authorization: Digest username=\"user\", realm=\"go-httpbin\", nonce=\"\(nonce)\", uri=\"\(path)\", "
                + "algorithm=\(algorithm), qop=auth, nc=00000001, cnonce=\"c0ffee\", response=\"\(response)\""
            let ok = try send(server, path, headers: [authorization])
            #expect(ok.status == 200)
            #expect(try jsonObject(ok)["user"] as? String == "user")
            let tampered = authorization.replacingOccurrences(of: "cnonce=\"c0ffee\"", with: "cnonce=\"bad\"")
            #expect(try send(server, path, headers: [tampered]).status == 401)
        }
    }

    @Test(arguments: [
        ("/digest-auth/auth-int/u/p", #"invalid QOP directive: "auth-int" != "auth""#),
        ("/digest-auth/auth/u/p/SHA-512", "invalid algorithm: SHA-512 must be one of MD5 or SHA-256"),
    ])
    func digestAuthRejectsBadPaths(_ target: String, _ detail: String) async throws {
        try await withTestServer { server in try expectError(try send(server, target), 400, detail: detail) }
    }
}
