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

    /// Numbers at PostgreSQL's `numeric` limits are stored exactly; one past them is a 2001
    /// naming the field (it used to fail the INSERT: a 500).
    @Test(arguments: [
        ("1e131071", true), ("-9.99e131071", true), ("0.001e131074", true), ("1e-16383", true), ("0.00001e-16378", true),
        ("1e131072", false), ("1e-16384", false), ("1.50e-16382", false), ("0e-16384", false), ("1e-2147483648", false),
        ("1e99999999999999999999", false), ("1e200000", false), ("1e-20000", false),
    ])
    func numericLimits(number: String, stored: Bool) async throws {
        try await APITestServer.with { api in
            let create = try await api.call("create_task", #"{"data":{"service":"echo","condition":{"n":\#(number)}}}"#)
            let id = try await api.task(in: .running)
            let report = try await api.call("update_status_task", as: "feeder", #"{"task_id":"\#(id)","status":"finished","result":[\#(number)]}"#)
            if stored {
                #expect(create.code == 0 && report.code == 0, "\(create) \(report)")
                let listed = try #require(try await api.ok("tasks", #"{"status":"waiting"}"#).array("data").first?["condition"])
                #expect(listed.sameJSON(as: .object([.init("n", .number(number))])))
            } else {
                #expect(create.status == 422 && create.code == 2001 && create.text.contains("data.condition"), "\(create)")
                #expect(report.status == 422 && report.code == 2001 && report.text.contains("result"), "\(report)")
            }
        }
    }

    /// Small numbers that jsonb would expand to gigabytes of digits are refused (2001).
    @Test func expansionIsBounded() async throws {
        try await APITestServer.with { api in
            let many = Array(repeating: "1e131071", count: 9).joined(separator: ",")
            let reply = try await api.call("create_task", #"{"service":"echo","condition":{"n":[\#(many)]}}"#)
            #expect(reply.status == 422 && reply.code == 2001, "\(reply)")
            #expect(try await api.taskCount() == 0)
        }
    }

    /// `\u0000` cannot be stored by PostgreSQL: refused with 2001 instead of failing later.
    @Test func nulCharacterIsRefused() async throws {
        try await APITestServer.with { api in
            let reply = try await api.call("create_task", #"{"service":"echo","condition":{"s":"a\u0000b"}}"#)
            #expect(reply.status == 422 && reply.code == 2001, "\(reply)")
        }
    }
}
