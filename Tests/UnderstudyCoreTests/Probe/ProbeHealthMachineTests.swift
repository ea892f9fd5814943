import Testing
@testable import UnderstudyCore

@Suite struct ProbeHealthMachineTests {
    /// `+` a passing check, `-` a failing one, `g` a failing one inside the grace period.
    static func run(_ checks: String, healthy: Int = 3, unhealthy: Int = 2, initial: Int = 1)
        -> (transitions: [String], health: ProbeHealth, markedUnhealthy: Bool) {
        var machine = ProbeHealthMachine(healthyThreshold: healthy, unhealthyThreshold: unhealthy, initialHealthyThreshold: initial)
        var transitions: [String] = []
        for check in checks {
            if let transition = machine.record(passed: check == "+", inGrace: check == "g") {
                transitions.append(transition.description)
            }
        }
        return (transitions, machine.health, machine.wasMarkedUnhealthy)
    }

    @Test(arguments: [
        ("", [String](), ProbeHealth.initial, false),
        ("+", ["initial -> healthy after 1 consecutive success"], .healthy, false),
        ("+-", ["initial -> healthy after 1 consecutive success"], .healthy, false),
        ("+--", ["initial -> healthy after 1 consecutive success", "healthy -> unhealthy after 2 consecutive failures"], .unhealthy, true),
        ("+-+-+-", ["initial -> healthy after 1 consecutive success"], .healthy, false),
        ("--", ["initial -> unhealthy after 2 consecutive failures"], .unhealthy, true),
        ("--++", ["initial -> unhealthy after 2 consecutive failures"], .unhealthy, true),
        ("--+++", ["initial -> unhealthy after 2 consecutive failures", "unhealthy -> healthy after 3 consecutive successes"], .healthy, true),
        ("--++-+++", ["initial -> unhealthy after 2 consecutive failures", "unhealthy -> healthy after 3 consecutive successes"], .healthy, true),
        ("+-----", ["initial -> healthy after 1 consecutive success", "healthy -> unhealthy after 2 consecutive failures"], .unhealthy, true),
        ("gggg", [], .initial, false),
        ("ggg+", ["initial -> healthy after 1 consecutive success"], .healthy, false),
        ("g-", [], .initial, false),
        ("g--", ["initial -> unhealthy after 2 consecutive failures"], .unhealthy, true),
        // ECS: "If a health check succeeds within the startPeriod, then the container is
        // considered healthy and any subsequent failures count".
        ("+gg", ["initial -> healthy after 1 consecutive success", "healthy -> unhealthy after 2 consecutive failures"], .unhealthy, true),
    ])
    func transitions(_ checks: String, _ expected: [String], _ health: ProbeHealth, _ markedUnhealthy: Bool) {
        let result = Self.run(checks)
        #expect(result.transitions == expected)
        #expect(result.health == health)
        #expect(result.markedUnhealthy == markedUnhealthy)
    }

    @Test func initialThresholdCanDifferFromHealthy() {
        // Kubernetes: the success threshold applies from the start too.
        #expect(Self.run("++", healthy: 3, initial: 3).health == .initial)
        #expect(Self.run("+++", healthy: 3, initial: 3).transitions == ["initial -> healthy after 3 consecutive successes"])
    }

    @Test func anOverriddenHealthyThresholdAppliesFromTheStartExceptOnALB() throws {
        let url = try ClientURL(parsing: "http://127.0.0.1:8080/health")
        var k8s = ProbeSettings(url: url, profile: .k8s)
        k8s.healthyThreshold = 3
        #expect(ProbeHealthMachine(k8s).initialHealthyThreshold == 3)
        var ecs = ProbeSettings(url: url, profile: .ecs)
        ecs.healthyThreshold = 2
        #expect(ProbeHealthMachine(ecs).initialHealthyThreshold == 2)
        var alb = ProbeSettings(url: url)
        alb.healthyThreshold = 3
        #expect(ProbeHealthMachine(alb).initialHealthyThreshold == 1, "a newly registered target must pass one check")
    }

    @Test func profilesCarryTheDocumentedDefaults() throws {
        let url = try ClientURL(parsing: "http://127.0.0.1:8080/health")
        let alb = ProbeSettings(url: url)
        #expect(alb.profile == .alb)
        #expect((alb.interval, alb.timeout, alb.healthyThreshold, alb.unhealthyThreshold, alb.initialHealthyThreshold)
                == (.seconds(30), .seconds(5), 5, 2, 1))
        #expect(alb.matcher.description == "200")
        let ecs = ProbeSettings(url: url, profile: .ecs)
        #expect((ecs.interval, ecs.timeout, ecs.healthyThreshold, ecs.unhealthyThreshold) == (.seconds(30), .seconds(5), 1, 3))
        let k8s = ProbeSettings(url: url, profile: .k8s)
        #expect((k8s.interval, k8s.timeout, k8s.healthyThreshold, k8s.unhealthyThreshold) == (.seconds(10), .seconds(1), 1, 3))
        #expect(k8s.matcher.matches(399) && !k8s.matcher.matches(400))
    }

    @Test(arguments: [
        ("200", [200], [201, 199]),
        ("200-299", [200, 250, 299], [300]),
        ("200,202,300-399", [200, 202, 300, 399], [201, 400]),
    ])
    func matchers(_ text: String, _ matching: [Int], _ failing: [Int]) throws {
        let matcher = try StatusMatcher(parsing: text)
        #expect(matching.allSatisfy(matcher.matches))
        #expect(!failing.contains(where: matcher.matches))
        #expect(matcher.description == text)
    }

    @Test(arguments: ["", "2xx", "200-", "300-200", "99", "200,,201", "600"])
    func badMatchers(_ text: String) {
        #expect(throws: ClientArgumentError.invalidMatcher(text)) { try StatusMatcher(parsing: text) }
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/health", "127.0.0.1", 8080, "/health", "127.0.0.1:8080"),
        ("http://example.com", "example.com", 80, "/", "example.com"),
        ("http://[::1]:9000/a?b=1#frag", "::1", 9000, "/a?b=1", "[::1]:9000"),
        ("HTTP://h?x", "h", 80, "/?x", "h"),
        ("https://h/", "h", 443, "/", "h"),
        ("https://127.0.0.1:8443/health", "127.0.0.1", 8443, "/health", "127.0.0.1:8443"),
        ("https://h:80/", "h", 80, "/", "h:80"),
    ])
    func urls(_ text: String, _ host: String, _ port: Int, _ target: String, _ hostHeader: String) throws {
        let url = try ClientURL(parsing: text)
        #expect(url.host == host && Int(url.port) == port && url.target == target && url.hostHeader == hostHeader)
    }

    @Test(arguments: ["127.0.0.1:8080", "ftp://h/", "http://", "http://h:0/", "http://h:99999/", "http://[::1/", "http://u@h/"])
    func badURLs(_ text: String) {
        #expect(throws: ClientArgumentError.self) { try ClientURL(parsing: text) }
    }
}
