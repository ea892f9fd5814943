import Foundation
import UnderstudyHTTP

/// `GET|PUT|DELETE /api/health`: read, merge-update or restore the `/health` answer.
/// PUT takes JSON `{"status":503,"body":"…","content_type":"…","delay":"2s"}`, any subset.
struct HealthAPI {
    let state: HealthState

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch request.method {
        case "GET", "HEAD":
            return AdminResponse.json(HealthAnswerJSON(state.answer))
        case "DELETE":
            return AdminResponse.json(HealthAnswerJSON(state.restore()))
        case "PUT":
            switch Self.parseChange(request.body) {
            case .success(let change): return AdminResponse.json(HealthAnswerJSON(state.apply(change)))
            case .failure(let error): return AdminResponse.error(400, error.message, field: error.field)
            }
        default:
            return AdminResponse.error(405, "method \(request.method) not allowed", field: "method",
                                       headers: ["Allow": "GET, PUT, DELETE"])
        }
    }

    struct FieldError: Error {
        var message: String
        var field: String?
    }

    static func parseChange(_ body: [UInt8]) -> Result<HealthState.Change, FieldError> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return .failure(FieldError(message: "expected a JSON object", field: nil))
        }
        var change = HealthState.Change()
        for (key, value) in object {
            switch key {
            case "status":
                guard let number = value as? NSNumber, !(value is Bool), let status = Int(exactly: number.doubleValue),
                      (100...599).contains(status) else {
                    return .failure(FieldError(message: "expected an integer 100-599", field: "status"))
                }
                change.status = status
            case "body":
                guard let text = value as? String else { return .failure(FieldError(message: "expected a string", field: "body")) }
                change.body = text
            case "content_type":
                guard let text = value as? String, !text.isEmpty else {
                    return .failure(FieldError(message: "expected a non-empty string", field: "content_type"))
                }
                change.contentType = text
            case "delay":
                guard let text = value as? String, let delay = try? ConfigDuration(parsing: text) else {
                    return .failure(FieldError(message: "expected a duration like 250ms", field: "delay"))
                }
                change.delay = delay.duration
            default:
                return .failure(FieldError(message: "unknown field (expected status, body, content_type, delay)", field: key))
            }
        }
        return .success(change)
    }
}

/// The health answer as JSON.
struct HealthAnswerJSON: Encodable {
    var status: Int
    var body: String
    var contentType: String
    var delay: String

    init(_ answer: HealthState.Answer) {
        status = answer.status
        body = answer.body
        contentType = answer.contentType
        delay = ConfigDuration(answer.delay).description
    }

    enum CodingKeys: String, CodingKey {
        case status, body, delay
        case contentType = "content_type"
    }
}
