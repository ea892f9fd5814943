import UnderstudyHTTP

/// How httpbin routes answer: every response gets go-httpbin's CORS fields (its `preflight`
/// middleware wraps every route, 404 and 405 included); JSON is go-httpbin's pretty form.
extension Exchange {
    var facts: HTTPBinRequestFacts { HTTPBinRequestFacts(exchange: self) }

    /// `Access-Control-Allow-Origin` (the request's `Origin`, else `*`) and `-Allow-Credentials`.
    var corsHeaders: HTTPHeaders {
        let origin = request.headers["Origin"].flatMap { $0.isEmpty ? nil : $0 } ?? "*"
        return ["Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"]
    }

    func answer(_ response: HTTPResponse) {
        respond(withCORS(response))
    }

    /// Answers after `delay` on a timer (the connection shows as `delayed`; 499 if the client leaves).
    func answer(after delay: Duration, _ response: HTTPResponse) {
        respond(after: delay, withCORS(response))
    }

    /// `value` as go-httpbin's pretty JSON, `application/json; charset=utf-8`.
    func answerJSON(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) {
        answer(Self.jsonResponse(value, status: status, headers: headers))
    }

    func answerJSON(_ members: [JSONValue.Member], status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) {
        answerJSON(.object(members), status: status, headers: headers)
    }

    /// go-httpbin's error body (`status_code`, `error`, `detail`).
    func answerError(_ status: Int, _ detail: String? = nil, headers: HTTPHeaders = HTTPHeaders()) {
        answer(HTTPBinError.response(status, detail: detail, headers: headers))
    }

    /// 400 with the parameter failure's detail.
    func answerBadRequest(_ failure: any Error) {
        answerError(400, (failure as? HTTPBinBadParameter)?.detail ?? "\(failure)")
    }

    /// Text body with `text/plain; charset=utf-8` unless `headers` names another type.
    func answerText(_ text: String, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) {
        var response = HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
        if response.headers["Content-Type"] == nil { response.headers.add("Content-Type", "text/plain; charset=utf-8") }
        answer(response)
    }

    /// Starts a chunked stream carrying the CORS fields. False for HEAD: the stream is then
    /// already finished and the route should write nothing more.
    @discardableResult
    func startHTTPBinStream(status: Int = 200, headers: HTTPHeaders) -> Bool {
        var all = corsHeaders
        for field in headers { all.add(field.name, field.value) }
        startStream(status: status, headers: all)
        return request.method != "HEAD"
    }

    static func jsonResponse(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers, body: Array(value.goPrettyText.utf8))
        response.headers.set("Content-Type", "application/json; charset=utf-8")
        return response
    }

    private func withCORS(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        for field in corsHeaders where response.headers[field.name] == nil { response.headers.add(field.name, field.value) }
        return response
    }
}
