import Foundation
import UnderstudyHTTP

/// go-httpbin's `parseBody`: the `data`, `files`, `form` and `json` fields of the body-echo
/// shape, chosen by the Content-Type up to its first `;` (matched exactly, as go-httpbin does).
struct HTTPBinBody {
    var data = ""
    var files: [(name: String, value: String)] = []
    var form: [(name: String, value: String)] = []
    var json: JSONValue = .null

    /// The four members in go-httpbin's order.
    var members: [JSONValue.Member] {
        [.init("data", .string(data)), .init("files", .stringLists(HTTPBinRequestFacts.grouped(files))),
         .init("form", .stringLists(HTTPBinRequestFacts.grouped(form))), .init("json", json)]
    }

    /// Parses `request`'s body; the error is the 400 detail (`error parsing request body: …`).
    init(parsing request: HTTPRequest) throws(HTTPBinBadParameter) {
        let body = request.body
        guard !body.isEmpty else { return }
        data = String(decoding: body, as: UTF8.self)
        let contentType = request.headers["Content-Type"] ?? ""
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        switch mediaType {
        case "text/html", "text/plain":
            break
        case "application/x-www-form-urlencoded":
            if ["POST", "PUT", "PATCH", "DELETE", "GET"].contains(request.method) {
                form = URLEncoding.formPairs(Substring(data))
            }
        case "multipart/form-data":
            try parseMultipart(body, contentType: contentType)
        case "application/json":
            guard let value = JSONValue.parse(json: body) else {
                throw HTTPBinBadParameter(detail: "error parsing request body: invalid JSON")
            }
            json = value.sortingKeys()   // Go decodes into maps and writes them sorted
        default:
            let type = contentType.isEmpty ? "application/octet-stream" : contentType
            data = "data:\(type);base64,\(Self.base64URL(body))"
        }
    }

    /// Go's `base64.URLEncoding`: URL-safe alphabet, with padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    /// RFC 7578 parts: fields without a filename go to `form`, files to `files` (content as text).
    private mutating func parseMultipart(_ body: [UInt8], contentType: String) throws(HTTPBinBadParameter) {
        guard let boundary = Self.parameter("boundary", in: contentType), !boundary.isEmpty else {
            throw HTTPBinBadParameter(detail: "error parsing request body: no multipart boundary param in Content-Type")
        }
        let delimiter = Array("--\(boundary)".utf8)
        var parts = Self.split(body, on: delimiter)
        guard parts.count >= 2 else { throw HTTPBinBadParameter(detail: "error parsing request body: multipart: NextPart: EOF") }
        parts.removeFirst()   // preamble
        for var part in parts {
            if part.starts(with: Array("--".utf8)) { break }   // closing delimiter
            if part.starts(with: [13, 10]) { part.removeFirst(2) }
            if part.suffix(2).elementsEqual([13, 10]) { part.removeLast(2) }
            guard let headEnd = Self.split(part, on: [13, 10, 13, 10], limit: 1).first?.count else { continue }
            let head = String(decoding: part[..<headEnd], as: UTF8.self)
            let content = part.count >= headEnd + 4 ? String(decoding: part[(headEnd + 4)...], as: UTF8.self) : ""
            let disposition = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") }.map(String.init) ?? ""
            guard let name = Self.parameter("name", in: disposition) else { continue }
            if Self.parameter("filename", in: disposition) != nil {
                files.append((name, content))
            } else {
                form.append((name, content))
            }
        }
    }

    /// `name=value` or `name="value"` among `;`-separated parameters.
    static func parameter(_ name: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    static func split(_ bytes: [UInt8], on separator: [UInt8], limit: Int = .max) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0, index = 0
        while index + separator.count <= bytes.count, pieces.count < limit {
            if bytes[index] == separator[0] && bytes[index..<(index + separator.count)].elementsEqual(separator) {
                pieces.append(Array(bytes[start..<index]))
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }
}
