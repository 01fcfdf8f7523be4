import Logging
import Testing

@testable import HTTP1

@Suite struct RouterTests {
    let logger = Logger(label: "router-test")

    func router() -> Router {
        var router = Router()
        router.on(.get, "/a") { _ in .text("get a") }
        router.on(.post, "/a") { request in .text("post a \(request.queryItems["x"] ?? "")") }
        router.on(.get, "/fail") { _ in throw HTTPError(.conflict, "busy") }
        router.on(.get, "/bug") { _ in throw ClientError(description: "secret detail") }
        return router
    }

    @Test func routesByMethodAndPath() async {
        let response = await router().respond(to: HTTPRequest(method: .post, target: "/a?x=1%202"), logger: logger)
        #expect(String(decoding: response.body, as: UTF8.self) == "post a 1 2")
    }

    @Test func missesAnd405() async {
        let missing = await router().respond(to: HTTPRequest(method: .get, target: "/b"), logger: logger)
        #expect(missing.status == .notFound)
        let wrong = await router().respond(to: HTTPRequest(method: .put, target: "/a"), logger: logger)
        #expect(wrong.status == .methodNotAllowed)
        #expect(wrong.headers["allow"] == "GET, HEAD, POST")
        let head = await router().respond(to: HTTPRequest(method: .head, target: "/a"), logger: logger)
        #expect(String(decoding: head.body, as: UTF8.self) == "get a")
    }

    @Test func thrownErrors() async {
        let failed = await router().respond(to: HTTPRequest(method: .get, target: "/fail"), logger: logger)
        #expect(failed.status == .conflict)
        #expect(String(decoding: failed.body, as: UTF8.self) == #"{"result":"exception","code":409,"message":"busy"}"#)
        let bug = await router().respond(to: HTTPRequest(method: .get, target: "/bug", requestID: "r1"), logger: logger)
        #expect(bug.status == .internalServerError)
        #expect(!String(decoding: bug.body, as: UTF8.self).contains("secret"))
    }

    @Test func queryItemsDecode() {
        let items = QueryItems("a=1&b=two+words&c=%41%zz&d")
        #expect(items["a"] == "1")
        #expect(items["b"] == "two words")
        #expect(items["c"] == "A%zz")
        #expect(items["d"] == "")
    }

    @Test func jsonHelpers() throws {
        struct Payload: Codable, Equatable { var name: String }
        let response = try HTTPResponse.json(Payload(name: "x"))
        #expect(response.headers["content-type"] == "application/json")
        let request = HTTPRequest(method: .post, target: "/", headers: ["Content-Type": "application/json; charset=utf-8"], body: response.body)
        #expect(request.hasJSONContentType)
        for (type, isJSON) in [("Application/JSON", true), (" application/json \t; x=1", true), ("application/json;", true),
                               ("application/jsonx", false), ("application/jso", false), ("text/json", false), ("", false),
                               ("application\u{0F}json", false), ("application/json5", false)] {
            let typed = HTTPRequest(method: .post, target: "/", headers: ["Content-Type": type], body: [])
            #expect(typed.hasJSONContentType == isJSON, "\(type)")
        }
        #expect(!HTTPRequest(method: .post, target: "/", body: []).hasJSONContentType)
        #expect(try request.decodeJSON(Payload.self) == Payload(name: "x"))
        #expect(throws: HTTPError(.badRequest, "body is not valid JSON")) {
            try HTTPRequest(method: .post, target: "/", body: Array("{".utf8)).decodeJSON(Payload.self)
        }
    }
}
