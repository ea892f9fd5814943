import UnderstudyHTTP

/// The answers the gateway makes itself, shaped as ALB's: a short HTML page naming the status.
enum GatewayErrorPage {
    static func response(for cause: ProxyCause) -> HTTPResponse {
        let status = cause.status
        let title = "\(status) \(HTTPStatus.reasonPhrase(status))"
        let body = "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1></center>\r\n</body>\r\n</html>\r\n"
        return HTTPResponse(status: status, headers: ["Content-Type": "text/html"], body: Array(body.utf8))
    }
}
