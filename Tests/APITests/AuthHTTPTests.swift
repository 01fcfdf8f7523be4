import JobCrypto
import Testing

/// Authentication over HTTP (SPEC section 3): every failure is HTTP 401 with the Basic
/// challenge; `_` problems are code 2100, credential problems code 401.
@Suite struct AuthHTTPTests {
    /// A signed `POST /api/service_task` with the given `_` text and `Authorization` value.
    static func attempt(_ api: APITestServer, timestamp: String?, authorization: String?) async throws -> HTTPReply {
        var headers = ["Content-Type": "application/json"]
        if let authorization { headers["Authorization"] = authorization }
        let query = timestamp.map { "?_=\($0)" } ?? ""
        return try await api.send("POST", "/api/service_task\(query)", headers: headers, body: Array("{}".utf8))
    }

    static func basic(_ user: String, _ digest: String) -> String {
        "Basic " + Base64.encode(Array("\(user):\(digest)".utf8))
    }

    static func expectRefused(_ reply: HTTPReply, code: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 401, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.code == code, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.header("WWW-Authenticate") == #"Basic realm="jobserver""#, sourceLocation: sourceLocation)
    }

    @Test func signedRequestIsAccepted() async throws {
        try await APITestServer.with { api in
            let now = APITestServer.now()
            let reply = try await Self.attempt(api, timestamp: String(now), authorization: api.authorization("alice", now))
            #expect(reply.status == 200 && reply.code == 0, "\(reply)")
        }
    }

    /// Credentials that are absent, malformed or wrong: 401, one answer for all.
    @Test func badCredentialsAre401() async throws {
        try await APITestServer.with { api in
            let now = APITestServer.now()
            let secret = api.secrets["alice"]!
            let digest = Digest.md5Hex(Array("\(secret)@\(now)".utf8))
            let cases: [(String, String?)] = [
                ("no header", nil),
                ("not Basic", "Bearer " + Base64.encode(Array("alice:\(digest)".utf8))),
                ("bad base64", "Basic !!!not-base64!!!"),
                ("no colon", "Basic " + Base64.encode(Array("alice".utf8))),
                ("empty", "Basic "),
                ("wrong secret", Self.basic("alice", Digest.md5Hex(Array("wrong@\(now)".utf8)))),
                ("uppercase hex", Self.basic("alice", digest.uppercased())),
                ("another user's digest", Self.basic("bob", digest)),
                ("unknown user", Self.basic("mallory", digest)),
                ("invalid user name", Self.basic("a b", digest)),
                ("digest of another second", Self.basic("alice", Digest.md5Hex(Array("\(secret)@\(now - 1)".utf8)))),
            ]
            for (name, header) in cases {
                let reply = try await Self.attempt(api, timestamp: String(now), authorization: header)
                #expect(reply.status == 401, "\(name): \(reply)")
                #expect(reply.code == 401, "\(name): \(reply)")
                #expect(reply.header("WWW-Authenticate") == #"Basic realm="jobserver""#, "\(name)")
            }
        }
    }

    /// `_` that is not 1–18 plain digits: 2100, before the credentials are looked at.
    @Test(arguments: ["1e9", "inf", "nan", "-5", "+5", "%2B5", "%205", "5.0", "", "0x10", "1234567890123456789"])
    func malformedTimestampIs2100(timestamp: String) async throws {
        try await APITestServer.with { api in
            let now = APITestServer.now()
            let reply = try await Self.attempt(api, timestamp: timestamp, authorization: api.authorization("alice", now))
            Self.expectRefused(reply, code: 2100)
        }
    }

    @Test func missingTimestampIs2100() async throws {
        try await APITestServer.with { api in
            let now = APITestServer.now()
            Self.expectRefused(try await Self.attempt(api, timestamp: nil, authorization: api.authorization("alice", now)), code: 2100)
        }
    }

    /// `_` 61 s away from the server's clock, either way, is refused; 60 s is accepted. The
    /// second may tick between signing and checking: then the attempt is repeated (the
    /// assertion is about the offset, never about how long the request took).
    @Test(arguments: [(-61, 2100), (61, 2100), (-60, 0), (60, 0)])
    func window(offset: Int, code: Int) async throws {
        try await APITestServer.with { api in
            for _ in 0..<5 {
                let before = APITestServer.now()
                let timestamp = before + offset
                let reply = try await Self.attempt(api, timestamp: String(timestamp), authorization: api.authorization("alice", timestamp))
                guard APITestServer.now() == before else { continue }
                if code == 0 {
                    #expect(reply.status == 200 && reply.code == 0, "\(reply)")
                } else {
                    Self.expectRefused(reply, code: code)
                }
                return
            }
            Issue.record("the clock ticked during every attempt")
        }
    }

    /// Older Python clients hash `secret "@" _ ".0"` and send the integer `_`.
    @Test func legacyFloatDigestIsAccepted() async throws {
        try await APITestServer.with { api in
            let now = APITestServer.now()
            let digest = Digest.md5Hex(Array("\(api.secrets["alice"]!)@\(now).0".utf8))
            let reply = try await Self.attempt(api, timestamp: String(now), authorization: Self.basic("alice", digest))
            #expect(reply.status == 200 && reply.code == 0, "\(reply)")
            // The `_` parameter itself must stay an integer.
            let float = try await Self.attempt(api, timestamp: "\(now).0", authorization: Self.basic("alice", digest))
            Self.expectRefused(float, code: 2100)
        }
    }

    /// Authentication comes first: a bad body from an unauthenticated client is still a 401.
    @Test func authenticationPrecedesBodyParsing() async throws {
        try await APITestServer.with { api in
            let reply = try await api.send(
                "POST", "/api/create_task?_=\(APITestServer.now())", headers: ["Content-Type": "application/json"], body: Array("{".utf8))
            Self.expectRefused(reply, code: 401)
        }
    }

    @Test func requestIDIsEchoed() async throws {
        try await APITestServer.with { api in
            let now = APITestServer.now()
            // `send` checks that the id comes back unchanged.
            let reply = try await api.send(
                "POST", "/api/service_task?_=\(now)",
                headers: ["Authorization": api.authorization("alice", now), "Content-Type": "application/json", "X-Request-Id": "trace-42"],
                body: Array("{}".utf8))
            #expect(reply.header("X-Request-Id") == "trace-42")
            let refused = try await api.send("POST", "/api/service_task", headers: ["X-Request-Id": "trace-43"])
            #expect(refused.header("X-Request-Id") == "trace-43")
        }
    }
}
