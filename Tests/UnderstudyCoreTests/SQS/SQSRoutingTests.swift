import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// PRODUCT.md, Conventions, Routing: SQS owns `POST /` carrying `X-Amz-Target: AmazonSQS.*`
/// or a form `Action=`, and `POST /{12-digit account}/{queue}`; everything else goes to the
/// httpbin routes and gets go-httpbin's JSON errors.
@Suite struct SQSRoutingTests {
    struct Request: CustomTestStringConvertible, Sendable {
        var name: String
        var method = "POST"
        var path: String
        var headers: [String] = []
        var body = ""
        var testDescription: String { name }
    }

    static let form = "Content-Type: application/x-www-form-urlencoded"
    static let json = "Content-Type: application/x-amz-json-1.0"

    /// Not SQS: answered by the httpbin routes with `{"status_code","error","detail"}`.
    static let notSQS: [(Request, Int)] = [
        (Request(name: "POST / with neither target nor Action", path: "/", headers: ["Content-Type: text/plain"], body: "hello"), 405),
        (Request(name: "POST / with a form without Action", path: "/", headers: [form], body: "QueueName=jobs&Version=2012-11-05"), 405),
        (Request(name: "POST / with a form naming Action only in a value", path: "/", headers: [form], body: "Note=Action%3DListQueues"), 405),
        (Request(name: "POST / with Action in a JSON body", path: "/", headers: [json], body: #"{"Action":"ListQueues"}"#), 405),
        (Request(name: "POST / with an empty body", path: "/"), 405),
        (Request(name: "a DynamoDB target", path: "/", headers: ["X-Amz-Target: DynamoDB_20120810.ListTables", json], body: "{}"), 405),
        (Request(name: "a target that only starts like SQS's", path: "/", headers: ["X-Amz-Target: AmazonSQSx.ListQueues", json],
                 body: "{}"), 405),
        (Request(name: "GET on a queue URL", method: "GET", path: "/000000000000/q"), 404),
        (Request(name: "PUT on a queue URL", method: "PUT", path: "/000000000000/q", headers: [form], body: "Action=ListQueues"), 404),
        (Request(name: "a short account", path: "/123/q", headers: [form], body: "Action=ListQueues"), 404),
        (Request(name: "a 13-digit account", path: "/0000000000001/q", headers: [form], body: "Action=ListQueues"), 404),
        (Request(name: "a non-numeric account", path: "/00000000000a/q", headers: [form], body: "Action=ListQueues"), 404),
        (Request(name: "a path below the queue", path: "/000000000000/q/messages", headers: [form], body: "Action=ListQueues"), 404),
        (Request(name: "an account without a queue", path: "/000000000000", headers: [form], body: "Action=ListQueues"), 404),
    ]

    @Test(arguments: notSQS)
    func goesToHTTPBin(_ request: Request, _ status: Int) async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let response = try SQSWireClient(server: server).send(request.method, request.path, body: Array(request.body.utf8),
                                                                  headers: request.headers)
            #expect(response.status == status, "\(response.bodyText)")
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            #expect(response.header("x-amzn-RequestId") == nil)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(object["status_code"] as? Int == status)
            #expect((object["error"] as? String)?.isEmpty == false)
        }
    }

    /// SQS: the query protocol's XML or the JSON protocol's JSON, from the SQS endpoint.
    static let sqs: [(Request, SQSWire)] = [
        (Request(name: "POST / with a form Action", path: "/", headers: [form], body: "Action=ListQueues&Version=2012-11-05"), .query),
        (Request(name: "POST / with Action in the query string", path: "/?Action=ListQueues&Version=2012-11-05"), .query),
        (Request(name: "POST / with an AmazonSQS target", path: "/", headers: ["X-Amz-Target: AmazonSQS.ListQueues", json], body: "{}"),
         .json),
        (Request(name: "POST to a queue URL", path: "/000000000000/q", headers: [form],
                 body: "Action=GetQueueAttributes&AttributeName.1=QueueArn"), .query),
        (Request(name: "POST to a queue URL with a trailing slash", path: "/000000000000/q/", headers: [form],
                 body: "Action=GetQueueAttributes&AttributeName.1=QueueArn"), .query),
        (Request(name: "POST to another account's queue URL", path: "/123456789012/q", headers: [form],
                 body: "Action=GetQueueAttributes&AttributeName.1=QueueArn"), .query),
        (Request(name: "JSON to a queue URL", path: "/000000000000/q", headers: ["X-Amz-Target: AmazonSQS.ListQueues", json], body: "{}"),
         .json),
    ]

    @Test(arguments: sqs)
    func goesToSQS(_ request: Request, _ wire: SQSWire) async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let response = try SQSWireClient(server: server).send(request.method, request.path, body: Array(request.body.utf8),
                                                                  headers: request.headers)
            #expect(response.status == 200, "\(response.bodyText)")
            #expect(response.header("x-amzn-RequestId")?.isEmpty == false)
            switch wire {
            case .query:
                #expect(response.header("Content-Type") == "text/xml")
                let root = try #require(XMLTree.parse(response.body))
                #expect(root.namespace == SQSExpect.namespace)
                #expect(root.name.hasSuffix("Response"))
            case .json:
                #expect(response.header("Content-Type") == "application/x-amz-json-1.0")
                #expect(try JSONSerialization.jsonObject(with: Data(response.body)) is [String: Any])
            }
        }
    }

    /// An SQS-owned path with another service's target is still SQS's, and refused in JSON.
    @Test func foreignTargetOnAQueueURLIsAnSQSError() async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let response = try SQSWireClient(server: server).send("POST", "/000000000000/q", body: Array("{}".utf8),
                                                                  headers: ["X-Amz-Target: DynamoDB_20120810.ListTables", Self.json])
            try SQSExpect.jsonError(response, status: 400, type: "com.amazon.coral.service#UnknownOperationException",
                                    queryCode: "InvalidAction")
        }
    }
}
