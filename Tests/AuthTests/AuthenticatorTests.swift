import Foundation
import HTTP1
import JobCore
import JobCrypto
import JobServer
import JobStore
import Testing

/// The whole check against a real database: table-driven over headers and `_` values.
@Suite struct AuthenticatorTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000.75)
    static let ts = "1700000000"

    enum Expected: Equatable, CustomStringConvertible {
        case accepted(UserRole)
        case code(Int)
        var description: String {
            switch self {
            case .accepted(let role): "accepted as \(role)"
            case .code(let code): "code \(code)"
            }
        }
    }

    struct Case: CustomTestStringConvertible {
        var name: String
        var authorization: String?
        var timestamp: String?
        var expected: Expected
        var testDescription: String { name }
    }

    static func basic(_ text: String) -> String { "Basic " + Base64.encode(Array(text.utf8)) }

    static func cases(secret: String) -> [Case] {
        func digest(_ ts: String, _ secretText: String = secret) -> String {
            AuthSignature.digest(secret: secretText, timestamp: ts)
        }
        func signed(_ ts: String) -> Case {
            Case(name: "", authorization: basic("alice:" + digest(ts)), timestamp: ts, expected: .accepted(.user))
        }
        let good = basic("alice:" + digest(ts))
        var cases = [
            Case(name: "valid", authorization: good, timestamp: ts, expected: .accepted(.user)),
            Case(
                name: "legacy .0 digest", authorization: basic("alice:" + digest(ts + ".0")), timestamp: ts,
                expected: .accepted(.user)),
            Case(
                name: "lowercase scheme, extra spaces", authorization: "basic   " + good.dropFirst(6) + "  ", timestamp: ts,
                expected: .accepted(.user)),
            Case(name: "no header", authorization: nil, timestamp: ts, expected: .code(401)),
            Case(name: "empty header", authorization: "", timestamp: ts, expected: .code(401)),
            Case(name: "not Basic", authorization: "Bearer " + good.dropFirst(6), timestamp: ts, expected: .code(401)),
            Case(name: "Basic without token", authorization: "Basic ", timestamp: ts, expected: .code(401)),
            Case(name: "Basic without space", authorization: "Basic" + good.dropFirst(6), timestamp: ts, expected: .code(401)),
            Case(name: "bad base64", authorization: "Basic !!!!", timestamp: ts, expected: .code(401)),
            Case(name: "unpadded base64", authorization: String(good.drop { $0 == "=" }.dropLast()), timestamp: ts, expected: .code(401)),
            Case(name: "no colon", authorization: basic("alice" + digest(ts)), timestamp: ts, expected: .code(401)),
            Case(name: "empty user", authorization: basic(":" + digest(ts)), timestamp: ts, expected: .code(401)),
            Case(name: "wrong secret", authorization: basic("alice:" + digest(ts, "guess")), timestamp: ts, expected: .code(401)),
            Case(name: "unknown user", authorization: basic("bob:" + digest(ts)), timestamp: ts, expected: .code(401)),
            Case(name: "invalid user name", authorization: basic("al ice:" + digest(ts)), timestamp: ts, expected: .code(401)),
            Case(
                name: "uppercase hex", authorization: basic("alice:" + digest(ts).uppercased()), timestamp: ts,
                expected: .code(401)),
            Case(name: "digest of another _", authorization: basic("alice:" + digest("1700000001")), timestamp: ts, expected: .code(401)),
            Case(name: "digest with trailing byte", authorization: basic("alice:" + digest(ts) + "0"), timestamp: ts, expected: .code(401)),
            Case(name: "61 s old", authorization: basic("alice:" + digest("1699999939")), timestamp: "1699999939", expected: .code(2100)),
            Case(name: "61 s ahead", authorization: basic("alice:" + digest("1700000061")), timestamp: "1700000061", expected: .code(2100)),
            Case(name: "far past", authorization: good, timestamp: "0", expected: .code(2100)),
            Case(name: "expired without header", authorization: nil, timestamp: "1699999939", expected: .code(2100)),
            Case(name: "bad _ without header", authorization: nil, timestamp: "abc", expected: .code(2100)),
        ]
        var old = signed("1699999940")
        old.name = "exactly 60 s old"
        var ahead = signed("1700000060")
        ahead.name = "exactly 60 s ahead"
        var padded = signed("01700000000")
        padded.name = "leading zero, as signed"
        cases += [old, ahead, padded]
        let badTimestamps: [(String, String?)] = [
            ("1e9", "1e9"), ("inf", "inf"), ("nan", "nan"), ("-5", "-5"), ("+5", "+5"), ("space 5", " 5"),
            ("trailing space", ts + " "), ("empty", ""), ("missing", nil), ("float", ts + ".0"),
            ("hex", "0x6553f100"), ("19 digits", "1000000000000000000"), ("fullwidth digits", "１７"),
            ("negative now", "-" + ts),
        ]
        for (name, value) in badTimestamps {
            cases.append(
                Case(name: "_ \(name)", authorization: basic("alice:" + digest(value ?? "")), timestamp: value, expected: .code(2100)))
        }
        return cases
    }

    @Test func tableOfRequests() async throws {
        try await withUserDatabase { pool in
            let key = try randomKey()
            let accounts = UserAccounts(store: UserStore(pool: pool), key: key)
            let secret = try await accounts.add(name: "alice", role: .user)
            let authenticator = Authenticator(
                secrets: UserSecrets(store: UserStore(pool: pool), key: key, logger: testLogger), logger: testLogger)
            for item in Self.cases(secret: secret) {
                let result = await authenticator.authenticate(
                    authorization: item.authorization, timestampParameter: item.timestamp, now: Self.now)
                let actual: Expected
                switch result {
                case .success(let user):
                    #expect(user.name == "alice", "\(item.name)")
                    actual = .accepted(user.role)
                case .failure(let failure):
                    actual = .code(failure.code)
                    #expect(failure.httpStatus == 401, "\(item.name)")
                    #expect(failure.challenge == #"Basic realm="jobserver""#, "\(item.name)")
                    #expect(!failure.message.contains(secret), "\(item.name)")
                }
                #expect(actual == item.expected, "\(item.name)")
            }
        }
    }

    @Test func unknownUserAndWrongSecretLookTheSame() async throws {
        try await withUserDatabase { pool in
            let key = try randomKey()
            let secret = try await UserAccounts(store: UserStore(pool: pool), key: key).add(name: "alice", role: .admin)
            let authenticator = Authenticator(
                secrets: UserSecrets(store: UserStore(pool: pool), key: key, logger: testLogger), logger: testLogger)
            func failure(_ header: String) async -> AuthFailure? {
                if case .failure(let failure) = await authenticator.authenticate(
                    authorization: header, timestampParameter: Self.ts, now: Self.now) { return failure }
                return nil
            }
            let unknown = await failure(Self.basic("bob:" + AuthSignature.digest(secret: secret, timestamp: Self.ts)))
            let wrong = await failure(Self.basic("alice:" + AuthSignature.digest(secret: "nope", timestamp: Self.ts)))
            #expect(unknown != nil && unknown == wrong)
            #expect(unknown?.message == "authentication failed: unknown user or wrong signature")
        }
    }

    @Test func windowComesFromConfiguration() async throws {
        try await withUserDatabase { pool in
            let key = try randomKey()
            let secret = try await UserAccounts(store: UserStore(pool: pool), key: key).add(name: "alice", role: .admin)
            let authenticator = Authenticator(
                secrets: UserSecrets(store: UserStore(pool: pool), key: key, logger: testLogger), windowSeconds: 5,
                logger: testLogger)
            let header = { (ts: Int) in AuthSignature.header(user: "alice", secret: secret, timestamp: ts) }
            let ok = await authenticator.authenticate(authorization: header(1_699_999_995), timestampParameter: "1699999995", now: Self.now)
            #expect(try ok.get() == AuthenticatedUser(name: "alice", role: .admin))
            let late = await authenticator.authenticate(authorization: header(1_699_999_994), timestampParameter: "1699999994", now: Self.now)
            guard case .failure(let failure) = late else { Issue.record("accepted outside the window"); return }
            #expect(failure.code == 2100 && failure.message.contains("5 s window"))
        }
    }

    @Test func httpRequestEntryPoint() async throws {
        try await withUserDatabase { pool in
            let key = try randomKey()
            let secret = try await UserAccounts(store: UserStore(pool: pool), key: key).add(name: "feeder", role: .consumer)
            let authenticator = Authenticator(
                secrets: UserSecrets(store: UserStore(pool: pool), key: key, logger: testLogger), logger: testLogger)
            let header = AuthSignature.header(user: "feeder", secret: secret, timestamp: 1_700_000_000)
            let request = HTTPRequest(
                method: .post, target: "/api/status_task?x=1&_=1700000000", headers: ["authorization": header])
            #expect(try await authenticator.authenticate(request, now: Self.now).get().role == .consumer)

            let twice = HTTPRequest(
                method: .post, target: "/api/status_task?_=1700000000",
                headers: ["Authorization": header, "Authorization": header])
            guard case .failure(let failure) = await authenticator.authenticate(twice, now: Self.now) else {
                Issue.record("two Authorization headers accepted"); return
            }
            #expect(failure.code == 401)
            let plusFive = HTTPRequest(method: .post, target: "/api/x?_=+1700000000", headers: ["Authorization": header])
            guard case .failure(let expired) = await authenticator.authenticate(plusFive, now: Self.now) else {
                Issue.record("leading + accepted"); return
            }
            #expect(expired.code == 2100)
        }
    }
}
