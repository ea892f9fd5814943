/// JSON text for a `JSONValue`, written as Go's `encoding/json` writes it: keys in their
/// order, compact or indented two spaces, HTML characters escaped or not. The admin API,
/// logs and go-httpbin's responses all use it.
extension JSONValue {
    static func render(_ value: JSONValue, into out: inout String, indent: Int, pretty: Bool, escapeHTML: Bool) {
        switch value {
        case .scalar(let inner, _): render(inner, into: &out, indent: indent, pretty: pretty, escapeHTML: escapeHTML)
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += goNumber(number)
        case .string(let text): quote(text, into: &out, escapeHTML: escapeHTML)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                newline(into: &out, indent: indent + 1, pretty: pretty)
                render(item, into: &out, indent: indent + 1, pretty: pretty, escapeHTML: escapeHTML)
            }
            newline(into: &out, indent: indent, pretty: pretty)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                newline(into: &out, indent: indent + 1, pretty: pretty)
                quote(member.key, into: &out, escapeHTML: escapeHTML)
                out += pretty ? ": " : ":"
                render(member.value, into: &out, indent: indent + 1, pretty: pretty, escapeHTML: escapeHTML)
            }
            newline(into: &out, indent: indent, pretty: pretty)
            out += "}"
        }
    }

    private static func newline(into out: inout String, indent: Int, pretty: Bool) {
        guard pretty else { return }
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// Go prints float64 without a needless `.0` and with `e+21` style exponents from 1e21 on.
    static func goNumber(_ number: Double) -> String {
        if number.isNaN || number.isInfinite { return "null" }
        if abs(number) < 1e21, let integer = Int(exactly: number) { return String(integer) }
        return "\(number)"
    }

    static func quote(_ text: String, into out: inout String, escapeHTML: Bool) {
        out += "\""
        if !needsEscaping(text, escapeHTML: escapeHTML) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            case "<" where escapeHTML: out += "\\u003c"
            case ">" where escapeHTML: out += "\\u003e"
            case "&" where escapeHTML: out += "\\u0026"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Whether `quote` must look at each scalar: a control character, `"`, `\\`, U+2028/9
    /// (E2 80 A8/A9) or, with `escapeHTML`, `<`, `>`, `&`.
    private static func needsEscaping(_ text: String, escapeHTML: Bool) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes {
                if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0xE2 { return true }
                if escapeHTML && (byte == 0x3C || byte == 0x3E || byte == 0x26) { return true }
            }
            return false
        }
    }
}
