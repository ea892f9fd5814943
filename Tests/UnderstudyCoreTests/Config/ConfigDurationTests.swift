import Testing
@testable import UnderstudyCore

@Suite struct ConfigDurationTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("1.5s", .milliseconds(1500)),
        ("2m", .seconds(120)),
        ("1h30m", .seconds(5400)),
        ("0s", .zero),
        ("0", .zero),
        ("75s", .seconds(75)),
        ("10ns", .nanoseconds(10)),
        ("10us", .microseconds(10)),
        ("10\u{B5}s", .microseconds(10)),
        ("10\u{3BC}s", .microseconds(10)),
        ("1m30s", .seconds(90)),
        (".5s", .milliseconds(500)),
        ("1.s", .seconds(1)),
        ("0.1m", .seconds(6)),
        ("1.0000000009s", .nanoseconds(1_000_000_000)),   // below a nanosecond: truncated, as Go does
        ("2h45m30.5s", .milliseconds(9_930_500)),
    ])
    func parses(_ text: String, _ expected: Duration) throws {
        #expect(try ConfigDuration(parsing: text).duration == expected)
    }

    @Test(arguments: ["", "5", "5 s", " 5s", "5s ", "-5s", "+5s", "5S", "5sec", "s", ".s", "5d", "1.2.3s", "ms5", "5ms3",
                      "9999999999999999999s", "3000000h"])
    func rejects(_ text: String) {
        #expect(throws: ConfigValueError.invalidDuration(text)) { try ConfigDuration(parsing: text) }
    }

    @Test(arguments: [
        (Duration.seconds(75), "75s"),
        (.milliseconds(250), "250ms"),
        (.zero, "0s"),
        (.seconds(90), "90s"),
        (.seconds(120), "2m"),
        (.seconds(5400), "90m"),
        (.seconds(7200), "2h"),
        (.milliseconds(1500), "1500ms"),
        (.microseconds(3), "3us"),
        (.nanoseconds(1_000_000_001), "1000000001ns"),
        (.seconds(-5), "-5s"),
    ])
    func printsCanonically(_ duration: Duration, _ expected: String) throws {
        let value = ConfigDuration(duration)
        #expect(value.description == expected)
        if duration >= .zero { #expect(try ConfigDuration(parsing: value.description) == value) }
    }

    @Test func errorMessage() {
        #expect(ConfigValueError.invalidDuration("5 s").description == #"expected a duration like 250ms, got "5 s""#)
    }

    @Test func nanoseconds() {
        #expect(ConfigDuration(.milliseconds(250)).nanoseconds == 250_000_000)
        #expect(ConfigDuration(.seconds(Int64.max)).nanoseconds == .max)
    }
}
