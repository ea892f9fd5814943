import UnderstudyHTTP

/// go-httpbin's JSON error body, `{"status_code":404,"error":"Not Found","detail":"…"}`,
/// for httpbin routes and unknown paths (PRODUCT.md, Conventions).
enum HTTPBinError {
    static func response(_ status: Int, detail: String? = nil, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var line = JSONLine()
        line.add("status_code", status)
        line.add("error", HTTPStatus.reasonPhrase(status))
        if let detail { line.add("detail", detail) }
        var response = HTTPResponse(status: status, headers: headers, body: line.finish())
        response.headers.set("Content-Type", "application/json; charset=utf-8")
        return response
    }
}
