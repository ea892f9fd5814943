/// go-httpbin's two JSON spellings of a `JSONValue`: `encoding/json` with `SetIndent("", "  ")`
/// and `SetEscapeHTML(false)` for responses, and compact `json.Marshal` (HTML-escaped) for
/// `/stream` and `/jsonl` lines. Object members keep their order (Go structs: declared order;
/// maps: the caller sorts the keys).
extension JSONValue {
    /// Pretty text, 2-space indent, `"key": value`, trailing newline; `<>&` kept literal.
    var goPrettyText: String {
        var out = ""
        Self.render(self, into: &out, indent: 0, pretty: true, escapeHTML: false)
        out += "\n"
        return out
    }

    /// Compact text as `json.Marshal` writes it (`<` → `\u003c`), no trailing newline.
    var goCompactText: String {
        var out = ""
        Self.render(self, into: &out, indent: 0, pretty: false, escapeHTML: true)
        return out
    }

    /// An object of string arrays, keys sorted by bytes (Go's map order): `args`, `headers`, `form`.
    static func stringLists(_ lists: [(key: String, values: [String])]) -> JSONValue {
        .object(lists.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { Member($0.key, .array($0.values.map(JSONValue.string))) })
    }
}
