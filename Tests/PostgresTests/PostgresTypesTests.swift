import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct PostgresTypesTests {
    struct Condition: Codable, Equatable {
        var service: String
        var attempt: Int
    }

    /// `SELECT $1::sqlType` and decode it back.
    func roundTrip<T: PostgresEncodable & PostgresDecodable>(
        _ connection: PostgresConnection, _ value: T, as sqlType: String
    ) async throws -> T {
        let rows = try await connection.query("SELECT \(value)::\(unescaped: sqlType) AS v")
        return try rows[0].decode("v", as: T.self)
    }

    @Test func scalarsRoundTrip() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                for text in ["", "plain", "emoji 🎉👩‍💻", "CJK 漢字かな한글", "ctl \u{1}\u{7}\t\r\n\u{1F}",
                    "'; DROP TABLE tasks; --", "quote \" back\\slash $1 %s"]
                {
                    #expect(try await roundTrip(conn, text, as: "text") == text)
                }
                for number in [0, 1, -1, Int.max, Int.min] {
                    #expect(try await roundTrip(conn, number, as: "int8") == number)
                }
                #expect(try await roundTrip(conn, Int32.min, as: "int4") == Int32.min)
                #expect(try await roundTrip(conn, Int64.max, as: "int8") == Int64.max)
                #expect(try await roundTrip(conn, true, as: "bool") == true)
                #expect(try await roundTrip(conn, false, as: "bool") == false)
                for double in [0.0, -1.5, 3.141592653589793, 1e300, -.infinity] {
                    #expect(try await roundTrip(conn, double, as: "float8") == double)
                }
                let uuid = UUID()
                #expect(try await roundTrip(conn, uuid, as: "uuid") == uuid)
                let bytes: [UInt8] = [0, 1, 2, 0xFF, 0, 0x7F]
                #expect(try await roundTrip(conn, bytes, as: "bytea") == bytes)
                #expect(try await roundTrip(conn, [UInt8](), as: "bytea") == [])
                #expect(try await roundTrip(conn, Data(bytes), as: "bytea") == Data(bytes))
                let strings = ["a", "", "漢字", "x,y", "{}", "NULL", "\"q\""]
                #expect(try await roundTrip(conn, strings, as: "text[]") == strings)
                #expect(try await roundTrip(conn, [String](), as: "text[]") == [])
                #expect(try await roundTrip(conn, [1, 2, 3], as: "int8[]") == [1, 2, 3])
            }
        }
    }

    @Test func timestampsKeepMicroseconds() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                for seconds in [1_700_000_000.123456, 0, -1_000_000.5, 946_684_800.000001] {
                    let date = Date(timeIntervalSince1970: seconds)
                    let back = try await roundTrip(conn, date, as: "timestamptz")
                    #expect(abs(back.timeIntervalSince1970 - seconds) < 0.000_001)
                }
                let rows = try await conn.query(
                    "SELECT '2024-02-29 12:34:56.789+00'::timestamptz AS t, 'infinity'::timestamptz AS i")
                let t = try rows[0].decode("t", as: Date.self)
                #expect(abs(t.timeIntervalSince1970 - 1_709_210_096.789) < 0.000_001)
                #expect(try rows[0].decode("i", as: Date.self) == .distantFuture)
            }
        }
    }

    @Test func nullsDecodeAsNilForEveryType() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                let rows = try await conn.query("""
                    SELECT \(String?.none) AS s, \(Int?.none) AS i, \(Int32?.none) AS i4,
                    \(Int64?.none) AS i8, \(Bool?.none) AS b, \(Double?.none) AS d,
                    \(Date?.none) AS t, \(UUID?.none) AS u, \([UInt8]?.none) AS by,
                    \(Data?.none) AS da, \([String]?.none) AS a, \(PostgresJSON?.none) AS j
                    """)
                let row = rows[0]
                #expect(try row.decode("s", as: String?.self) == nil)
                #expect(try row.decode("i", as: Int?.self) == nil)
                #expect(try row.decode("i4", as: Int32?.self) == nil)
                #expect(try row.decode("i8", as: Int64?.self) == nil)
                #expect(try row.decode("b", as: Bool?.self) == nil)
                #expect(try row.decode("d", as: Double?.self) == nil)
                #expect(try row.decode("t", as: Date?.self) == nil)
                #expect(try row.decode("u", as: UUID?.self) == nil)
                #expect(try row.decode("by", as: [UInt8]?.self) == nil)
                #expect(try row.decode("da", as: Data?.self) == nil)
                #expect(try row.decode("a", as: [String]?.self) == nil)
                #expect(try row.decode("j", as: PostgresJSON?.self) == nil)
                #expect(row["s"]?.isNull == true)
                #expect(rows.columnTypes[0] == .text)
            }
        }
    }

    @Test func storesValuesVerbatimInATable() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withPool(db) { pool async throws in
                try await pool.query("""
                    CREATE TABLE tasks (task_id text PRIMARY KEY, n int4, tags text[], body bytea,
                    at timestamptz, id uuid, ok bool, score float8, condition jsonb)
                    """)
                let hostile = ["'; DROP TABLE tasks; --", "Robert'); DROP TABLE students;--",
                    "$1", "\\x00", "🧨 漢字"]
                for (index, text) in hostile.enumerated() {
                    try await pool.query("""
                        INSERT INTO tasks VALUES (\(text), \(Int32(index)), \([text, "b"]),
                        \(Array(text.utf8)), \(Date(timeIntervalSince1970: 1e9)), \(UUID()),
                        \(index % 2 == 0), \(Double(index) / 3), \(PostgresJSON(rawText: "{\"i\": \(index)}")))
                        """)
                }
                let rows = try await pool.query("SELECT task_id, n, tags, body FROM tasks ORDER BY n")
                #expect(rows.count == hostile.count)
                for (index, row) in rows.enumerated() {
                    #expect(try row.decode("task_id", as: String.self) == hostile[index])
                    #expect(try row.decode(1, as: Int.self) == index)
                    #expect(try row.decode("tags", as: [String].self) == [hostile[index], "b"])
                    #expect(try row.decode("body", as: [UInt8].self) == Array(hostile[index].utf8))
                }
                let count = try await pool.query("SELECT count(*) FROM tasks")
                #expect(try count[0].decode(0, as: Int.self) == hostile.count)
                let updated = try await pool.query("UPDATE tasks SET n = n + 1 WHERE n >= \(Int32(2))")
                #expect(updated.affectedRows == hostile.count - 2)
            }
        }
    }

    @Test func jsonbKeepsEveryDigitAndDecodesCodable() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                try await conn.query("CREATE TABLE docs (id int8 PRIMARY KEY, body jsonb, raw json)")
                let number = "12345678901234567890.123456789"
                let raw = #"{"big": \#(number), "s": "漢字 🎉"}"#
                try await conn.query(
                    "INSERT INTO docs VALUES (1, \(PostgresJSON(rawText: raw)), \(raw)::json)")
                let condition = Condition(service: "resize", attempt: 3)
                try await conn.query(
                    "INSERT INTO docs VALUES (2, \(try PostgresJSON(encoding: condition)), NULL)")
                let rows = try await conn.query("SELECT body, raw FROM docs ORDER BY id")
                let json = try rows[0].decode("body", as: PostgresJSON.self)
                #expect(json.rawText.contains(number))
                #expect(json.rawText.contains("漢字 🎉"))
                #expect(try rows[0].decode("body", as: String.self) == json.rawText)
                #expect(try rows[0].decode("raw", as: String.self) == raw)
                let decoded = try rows[1].decode("body", as: PostgresJSON.self).decode(Condition.self)
                #expect(decoded == condition)
                let extracted = try await conn.query("SELECT (body->>'big') AS big FROM docs WHERE id = 1")
                #expect(try extracted[0].decode("big", as: String.self) == number)
            }
        }
    }

    @Test func integerWidthsWidenAndNarrow() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                let rows = try await conn.query(
                    "SELECT 7::int2 AS a, 8::int4 AS b, 9::int8 AS c, 3000000000::int8 AS big, 1.5::float4 AS f")
                #expect(try rows[0].decode("a", as: Int.self) == 7)
                #expect(try rows[0].decode("b", as: Int64.self) == 8)
                #expect(try rows[0].decode("c", as: Int32.self) == 9)
                #expect(try rows[0].decode("f", as: Double.self) == 1.5)
                #expect(throws: PostgresError.self) { try rows[0].decode("big", as: Int32.self) }
            }
        }
    }
}
