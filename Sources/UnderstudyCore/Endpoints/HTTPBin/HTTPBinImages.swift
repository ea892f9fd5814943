import UnderstudyHTTP

/// `/image` (chosen by `Accept`, 415 when nothing fits) and `/image/{png,jpeg,webp,svg}`.
enum HTTPBinImages {
    /// go-httpbin's order of `Accept` substring checks; empty or `image/*` → png.
    static func negotiate(_ exchange: Exchange) {
        let accept = exchange.request.headers["Accept"] ?? ""
        let kind: String? = if accept.isEmpty || accept.contains("image/*") || accept.contains("image/png") { "png" }
            else if accept.contains("image/webp") { "webp" }
            else if accept.contains("image/svg+xml") { "svg" }
            else if accept.contains("image/jpeg") { "jpeg" }
            else { nil }
        guard let kind else { return exchange.answerError(415) }
        self.kind(exchange, kind)
    }

    static func kind(_ exchange: Exchange, _ kind: String) {
        let image: (bytes: [UInt8], type: String)
        switch kind {
        case "png": image = (HTTPBinFixtures.pngImage, "image/png")
        case "jpeg": image = (HTTPBinFixtures.jpegImage, "image/jpeg")
        case "webp": image = (HTTPBinFixtures.webpImage, "image/webp")
        case "svg": image = (HTTPBinFixtures.svgImage, "image/svg+xml")
        default: return exchange.answerError(404)
        }
        exchange.answer(HTTPResponse(status: 200, headers: ["Content-Type": image.type], body: image.bytes))
    }
}
