import UnderstudyHTTP

/// go-httpbin's JSON error body (`writeError`): `status_code`, `error`, `detail` (left out
/// when empty), pretty-printed, for httpbin routes and unknown paths (PRODUCT.md, Conventions).
enum HTTPBinError {
    static func response(_ status: Int, detail: String? = nil, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var members: [JSONValue.Member] = [.init("status_code", .number(Double(status))),
                                           .init("error", .string(HTTPStatus.reasonPhrase(status)))]
        if let detail, !detail.isEmpty { members.append(.init("detail", .string(detail))) }
        var response = HTTPResponse(status: status, headers: headers, body: Array(JSONValue.object(members).goPrettyText.utf8))
        response.headers.set("Content-Type", "application/json; charset=utf-8")
        return response
    }
}
