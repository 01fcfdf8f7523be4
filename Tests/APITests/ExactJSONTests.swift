import JobCore
import Testing

/// `condition` and `result` are kept exactly: every digit, every character; only key order and
/// whitespace may change (SPEC section 2).
@Suite struct ExactJSONTests {
    static let samples = [
        #"{"big":12345678901234567890.123456789,"neg":-0.000000000000000000000000001,"exp":1E+400,"int":18446744073709551617}"#,
        #"{"text":"héllo wörld ✓ 日本語 🧪 \u00e9 \"quoted\" \\ /","emoji":"👩‍👩‍👧‍👦","rtl":"مرحبا"}"#,
        #"{"nested":{"a":[1,2.50,{"b":null,"c":true,"d":false}],"e":{}},"empty":[],"zero":0,"negzero":-0}"#,
        #"{"z":1,"a":2,"m":{"y":[3e-5,4E2],"b":"x"}}"#,
        #"{"long":"\#(String(repeating: "ab", count: 5000))","x":0.1}"#,
    ]

    @Test(arguments: samples)
    func conditionComesBackExactly(condition: String) async throws {
        try await APITestServer.with { api in
            let sent = try JSONParser.parse(condition)
            let id = try await api.create(condition: condition, extra: #""start":false"#)
            let listed = try #require(try await api.ok("tasks").array("data").first?["condition"])
            #expect(listed.sameJSON(as: sent), "listed \(listed)")
            try await api.ok("update_task", #"{"task_id":"\#(id)","condition":\#(condition)}"#)
            let updated = try #require(try await api.ok("tasks").array("data").first?["condition"])
            #expect(updated.sameJSON(as: sent), "updated \(updated)")
            let copied = try await api.ok("copy_task", #"{"task_id":"\#(id)"}"#)
            #expect(try copied.int("affected") == 1)
            let copies = try await api.ok("tasks", #"{"status":"waiting"}"#).array("data")
            #expect(copies.first?["condition"]?.sameJSON(as: sent) == true)
        }
    }

    @Test(arguments: samples + [#"[1, 2.000, "three"]"#, #""just text ✓""#, "12345678901234567890.123456789", "true"])
    func resultComesBackExactly(result: String) async throws {
        try await APITestServer.with { api in
            let id = try await api.task(in: .running)
            try await api.ok("update_status_task", as: "feeder", #"{"task_id":"\#(id)","status":"finished","result":\#(result)}"#)
            let stored = try #require(try await api.ok("result_task", #"{"task_id":"\#(id)"}"#)["data"])
            #expect(stored.sameJSON(as: try JSONParser.parse(result)), "stored \(stored)")
        }
    }

    /// The comparison itself: digit-exact, order-free for keys, never through a Double.
    @Test func comparisonIsDigitExact() throws {
        let a = try JSONParser.parse(#"{"x":12345678901234567890.123456789,"y":[1.50]}"#)
        #expect(a.sameJSON(as: try JSONParser.parse(#"{ "y": [15e-1], "x": 12345678901234567890123456789e-9 }"#)))
        #expect(!a.sameJSON(as: try JSONParser.parse(#"{"x":12345678901234567890.12345678,"y":[1.5]}"#)))
        #expect(!a.sameJSON(as: try JSONParser.parse(#"{"x":12345678901234567890.123456788,"y":[1.5]}"#)))
        #expect(!a.sameJSON(as: try JSONParser.parse(#"{"x":12345678901234567890.123456789,"y":[1.5],"z":0}"#)))
    }

    /// `\u0000` cannot be stored by PostgreSQL: refused with 2001 instead of failing later.
    @Test func nulCharacterIsRefused() async throws {
        try await APITestServer.with { api in
            let reply = try await api.call("create_task", #"{"service":"echo","condition":{"s":"a\u0000b"}}"#)
            #expect(reply.status == 422 && reply.code == 2001, "\(reply)")
        }
    }
}
