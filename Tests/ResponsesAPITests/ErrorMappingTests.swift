import Foundation
import Testing

@testable import ResponsesAPI

@Suite("Mapping error replies")
struct ErrorMappingTests {
    @Test func openAI401IsAuthentication() throws {
        let entry = try Fixtures.entries("openai-error-401-invalid-api-key.chat-endpoint.openai-dotnet.json")[0]
        let error = ResponsesAPIError.from(status: entry.status, body: entry.body)
        guard case .authentication(401, let message) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(message.hasPrefix("Incorrect API key provided: not-a-re****"))
        #expect(error.description.contains("Incorrect API key provided"))
        #expect(error.description.contains("OPENAI_API_KEY"))
    }

    @Test func openAI400TemperatureIsBadRequest() {
        // The pydantic-ai cassette stores this body as YAML; this is its JSON.
        let body = """
            {"error":{"message":"Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.","type":"invalid_request_error","param":"temperature","code":"decimal_below_min_value"}}
            """
        let error = ResponsesAPIError.from(status: 400, body: Data(body.utf8))
        #expect(error == .badRequest(
            status: 400, code: "decimal_below_min_value", param: "temperature",
            message: "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead."))
        #expect(error.description.contains("parameter 'temperature'"))
    }

    @Test func openAI404IsNotFoundNamingTheID() throws {
        let entry = try Fixtures.entries("openai-create-get-delete-get404.openai-dotnet.json")[3]
        let id = "resp_012716c47e5818750068c9ef3acb74819590c9bfdd9025e969"
        let error = ResponsesAPIError.from(status: entry.status, body: entry.body, requestedID: id)
        #expect(error == .notFound(id: id, message: "Response with id '\(id)' not found."))
        #expect(error.description.contains(id))
        #expect(error.description.contains("expired"))
    }

    @Test func openAIPreviousResponseNotFound() {
        let body = """
            {"error":{"message":"Previous response with id 'resp_old' not found.","type":"invalid_request_error","param":"previous_response_id","code":"previous_response_not_found"}}
            """
        let error = ResponsesAPIError.from(status: 400, body: Data(body.utf8), previousResponseID: "resp_old")
        #expect(error == .previousResponseNotFound(id: "resp_old", message: "Previous response with id 'resp_old' not found."))
        #expect(error.description == "the server no longer has the previous response 'resp_old': "
            + "Previous response with id 'resp_old' not found. — continue by replaying the local history")
    }

    @Test func xaiFlatIncorrectKeyIsAuthentication() {
        let body = """
            {"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***62. You can obtain an API key from https://console.x.ai."}
            """
        let error = ResponsesAPIError.from(status: 400, body: Data(body.utf8))
        #expect(error == .authentication(
            status: 400,
            message: "Incorrect API key provided: xa***62. You can obtain an API key from https://console.x.ai."))
    }

    @Test func xaiMissingEntityNamingTheIDIsPreviousResponseNotFound() {
        let body = #"{"code":"Some requested entity was not found","error":"Previous response with id '0d7f672c' not found."}"#
        let chained = ResponsesAPIError.from(status: 404, body: Data(body.utf8), previousResponseID: "0d7f672c")
        #expect(chained == .previousResponseNotFound(id: "0d7f672c", message: "Previous response with id '0d7f672c' not found."))
        let get = #"{"code":"Some requested entity was not found","error":"Response with id '0d7f672c' not found."}"#
        let fetched = ResponsesAPIError.from(status: 404, body: Data(get.utf8), requestedID: "0d7f672c")
        #expect(fetched == .notFound(id: "0d7f672c", message: "Response with id '0d7f672c' not found."))
    }

    /// A 404 that does not name the response (a wrong base URL: a router's JSON, an HTML page, or a message that
    /// only repeats the path) says nothing about the response: it names the URL instead.
    @Test func a404ThatDoesNotNameTheIDIsAWrongEndpoint() {
        let url = "http://127.0.0.1:9/v2/responses"
        let cases: [(String, String?, String?)] = [
            (#"{"code":"Some requested entity was not found","error":"No route for POST /v2/responses"}"#, nil, "0d7f672c"),
            (#"{"error":{"message":"Invalid URL (POST /v2/responses)","type":"invalid_request_error","param":null,"code":null}}"#, nil, "resp_1"),
            ("<html><body><h1>404 Not Found</h1></body></html>", nil, "resp_1"),
            (#"{"error":{"message":"Invalid URL (GET /v2/responses/resp_1)","type":"invalid_request_error"}}"#, "resp_1", nil),
            (#"{"code":"Some requested entity was not found","error":"Response not found"}"#, "0d7f672c", nil),
        ]
        for (body, requested, previous) in cases {
            let error = ResponsesAPIError.from(
                status: 404, body: Data(body.utf8), requestedID: requested, previousResponseID: previous, url: url)
            guard case .endpointNotFound(url, _) = error else {
                Issue.record("\(body) gave \(error)")
                continue
            }
            #expect(error.description.contains("convo config base_url"))
        }
    }

    @Test func xaiInstructionsWithPreviousIDIsBadRequest() {
        let body = #"{"code": "400", "error": "Argument not supported: instructions and previous_response_id together"}"#
        let error = ResponsesAPIError.from(status: 400, body: Data(body.utf8), previousResponseID: "0d7f672c")
        #expect(error == .badRequest(
            status: 400, code: "400", param: nil,
            message: "Argument not supported: instructions and previous_response_id together"))
    }

    @Test func statusesWithoutABody() {
        #expect(ResponsesAPIError.from(status: 429, body: Data(), retryAfter: 3)
            == .rateLimited(retryAfter: 3, message: "HTTP 429 with an empty body"))
        #expect(ResponsesAPIError.from(status: 503, body: Data("upstream down".utf8))
            == .server(status: 503, message: "upstream down"))
        #expect(ResponsesAPIError.from(status: 403, body: Data()) == .authentication(status: 403, message: "HTTP 403 with an empty body"))
    }

    @Test func keyEchoedByTheServerIsRedacted() {
        let key = "xai-SECRET-123"
        let body = #"{"error":{"message":"key xai-SECRET-123 is disabled","code":"bad"}}"#
        let error = ResponsesAPIError.from(status: 400, body: Data(body.utf8)).redacting(key)
        #expect(!error.description.contains(key))
        #expect(error.description.contains("[redacted]"))
    }

    @Test func streamErrorEventsInBothShapes() throws {
        let flat = SSEEvent(
            event: "error",
            data: #"{"type":"error","code":"server_error","message":"The model crashed","param":null,"sequence_number":3}"#)
        #expect(try StreamEvent(flat) == .error(.streamError(code: "server_error", message: "The model crashed")))

        let nested = SSEEvent(
            data: #"{"type":"error","error":{"type":"invalid_request_error","code":"previous_response_not_found","message":"Previous response with id 'resp_x' not found.","param":"previous_response_id"},"status":400}"#)
        #expect(try StreamEvent(nested) == .error(.previousResponseNotFound(id: nil, message: "Previous response with id 'resp_x' not found.")))
    }

    @Test func malformedEventJSONIsATypedError() {
        #expect {
            try StreamEvent(SSEEvent(event: "response.output_text.delta", data: #"{"type":"response.output_text.delta","delta":"#))
        } throws: { error in
            guard case .invalidResponse(let detail) = error as? ResponsesAPIError else { return false }
            return detail.contains("malformed stream event 'response.output_text.delta'")
        }
    }

    @Test func missingKeyNamesTheVariable() {
        #expect(ResponsesAPIError.missingAPIKey(variable: "XAI_API_KEY").description
            == "no API key: XAI_API_KEY is not set — set XAI_API_KEY in the environment")
    }
}


@Suite struct RedactorTests {
    static let key = #"xai-"Ab/+c d=%7E~€-0123456789"#

    @Test func everySpellingOfTheKeyIsRemovedAndNothingElse() throws {
        let redact = Redactor(secrets: [Self.key])
        var texts = [
            "raw \(Self.key) end",
            "swift \(String(reflecting: Self.key)) end",
            "json \(String(decoding: try JSONEncoder().encode(Self.key), as: UTF8.self)) end",
            "percent \(Self.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) end",
            "query \(Self.key.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!) end",
            "lower \(Self.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!.replacing(/%[0-9A-F]{2}/) { $0.output.lowercased() }) end",
            "base64 \(Data(Self.key.utf8).base64EncodedString()) end",
        ]
        // Basic auth: base64 of user:key, whatever the user's length (and so the key's alignment).
        for user in ["", "a", "ab", "abc", "convo", "someone-long"] {
            texts.append("basic \(Data("\(user):\(Self.key)".utf8).base64EncodedString()) end")
        }
        for text in texts {
            let cleaned = redact(text)
            #expect(cleaned.contains(Redactor.placeholder), "\(text) → \(cleaned)")
            #expect(!cleaned.contains("0123456789") && !cleaned.contains("MDEyMzQ1Njc4"), "\(text) → \(cleaned)")
            #expect(cleaned.hasSuffix(" end"))
        }
        #expect(redact("nothing secret here: HTTP 500") == "nothing secret here: HTTP 500")
        #expect(Redactor(secrets: [""]).isEmpty)
    }
}
