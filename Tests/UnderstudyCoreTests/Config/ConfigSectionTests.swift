import Testing
import UnderstudyNet
@testable import UnderstudyCore

/// Shapes later issues will add (fault rules, an optional TLS section, free-form maps), to prove
/// that declaring them is all it takes.
private struct RuleDemo: ConfigSection, Codable, Equatable {
    var name = ""
    var probability = 1.0
    var delay: ConfigDuration?
    enum CodingKeys: String, CodingKey, CaseIterable { case name, probability, delay }
}

private struct TLSDemo: ConfigSection, Codable, Equatable {
    var listen = [ListenAddress(host: "0.0.0.0", port: 8443)]
    var cert = "cert.pem"
    enum CodingKeys: String, CodingKey, CaseIterable { case listen, cert }
}

private struct RootDemo: ConfigSection, Codable, Equatable {
    var rules: [RuleDemo] = []
    var tls: TLSDemo?
    var headers: [String: String] = ["A": "1"]
    enum CodingKeys: String, CodingKey, CaseIterable { case rules, tls, headers }
}

@Suite struct ConfigSectionTests {
    private func layers(_ values: [(String, String)]) -> ConfigLayers {
        var layers = ConfigLayers(schema: RootDemo.configSchema)
        for (key, value) in values {
            layers.addValue(value, at: key.split(separator: ".").map(String.init), source: "flag")
        }
        return layers
    }

    @Test func listItemsStartFromTheirDefaults() throws {
        let config = try layers([("rules", "[{name: a}, {name: b, probability: 0.5, delay: 2s}]")]).decode(RootDemo.self)
        #expect(config.rules == [
            RuleDemo(name: "a", probability: 1.0, delay: nil),
            RuleDemo(name: "b", probability: 0.5, delay: ConfigDuration(.seconds(2))),
        ])
    }

    @Test func unknownKeysInListItemsAreNamed() {
        #expect(throws: ConfigError(source: "flag", key: "rules[1].mach", reason: "unknown key (rules[1] has: name, probability, delay)")) {
            try layers([("rules", "[{name: a}, {mach: b}]")]).decode(RootDemo.self)
        }
    }

    @Test func anOptionalSectionSetByOneKeyGetsItsDefaults() throws {
        #expect(try layers([]).decode(RootDemo.self).tls == nil)
        let config = try layers([("tls.cert", "other.pem")]).decode(RootDemo.self)
        #expect(config.tls == TLSDemo(listen: [ListenAddress(host: "0.0.0.0", port: 8443)], cert: "other.pem"))
    }

    @Test func freeFormMapsAreReplacedWhole() throws {
        let config = try layers([("headers", "{B: 2}")]).decode(RootDemo.self)
        #expect(config.headers == ["B": "2"])
    }
}
