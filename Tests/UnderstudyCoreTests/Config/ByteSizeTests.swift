import Testing
@testable import UnderstudyCore

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("100B", 100), ("100", 100), ("0", 0), ("0B", 0), ("16KiB", 16 << 10), ("10MiB", 10 << 20), ("1GiB", 1 << 30),
        ("1536B", 1536),
    ])
    func parses(_ text: String, _ bytes: Int) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    @Test(arguments: ["", "B", "KiB", "-1B", "+1B", "1.5KiB", "8 KiB", "8TiB", "8bytes", "99999999999999999999B",
                      "9999999999GiB"])
    func rejects(_ text: String) {
        #expect(throws: ConfigValueError.invalidSize(text)) { try ByteSize(parsing: text) }
    }

    @Test(arguments: ["8KB", "8kB", "8MB", "8GB", "8K", "8M", "8kib", "8mib"])
    func rejectsDecimalUnitsWithAHint(_ text: String) {
        #expect(throws: ConfigValueError.decimalSizeUnit(text)) { try ByteSize(parsing: text) }
        #expect(ConfigValueError.decimalSizeUnit(text).description.contains("KiB"))
    }

    @Test(arguments: [(16 << 10, "16KiB"), (10 << 20, "10MiB"), (100, "100B"), (0, "0B"), (1536, "1536B"),
                      (3 << 30, "3GiB"), (1 << 40, "1024GiB")])
    func printsCanonically(_ bytes: Int, _ expected: String) throws {
        let size = ByteSize(bytes: bytes)
        #expect(size.description == expected)
        #expect(try ByteSize(parsing: size.description) == size)
    }

    @Test func errorMessage() {
        #expect(ConfigValueError.invalidSize("lots").description == #"expected a size like 8KiB, got "lots""#)
    }
}
