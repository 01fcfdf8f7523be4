import JobCore
import Testing

@Suite struct JSONTests {
    @Test(arguments: [
        #"{"a":12345678901234567890.123456789,"b":-0.0,"c":1E+400,"d":[1,2.50,-3e-7]}"#,
        #"{"s":"h\u00e9llo \"q\" \\ / \n \t 漢字 😀","t":true,"f":false,"n":null}"#,
        #"[]"#, #"{}"#, #"[[[]]]"#, #""x""#, "0", "-1.5e10",
    ])
    func roundTripsKeepEveryDigitAndCharacter(text: String) throws {
        let value = try JSONParser.parse(text)
        let written = JSONWriter.string(value)
        #expect(try JSONParser.parse(written) == value)
    }

    @Test func numbersAreKeptAsText() throws {
        let value = try JSONParser.parse(#"{"n": 12345678901234567890.1234567890123}"#)
        #expect(value["n"] == .number("12345678901234567890.1234567890123"))
    }

    @Test func stringsDecodeToTheirText() throws {
        #expect(try JSONParser.parse(#""plain 漢字 😀""#) == .string("plain 漢字 😀"))
        #expect(try JSONParser.parse(#""""#) == .string(""))
        #expect(try JSONParser.parse(#""\n""#) == .string("\n"))
        #expect(try JSONParser.parse(#""a\"b\\c\u00e9 漢\t""#) == .string("a\"b\\cé 漢\t"))
        #expect(try JSONParser.parse(#""\"\"x\/""#) == .string("\"\"x/"))
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }  // bad byte after an escape
    }

    @Test func surrogatePairsCombineAndLoneSurrogatesFail() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(#""\ud83d""#) }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(#""\ude00""#) }
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "01", "1.", ".5", "+1", "1e", "-",
        "tru", "nul", "\"abc", "\"a\u{01}b\"", "[1] [2]", "{\"a\" 1}", "\"\\x\"", "\"\\u12g4\"", "NaN", "Infinity",
    ])
    func invalidJSONIsRejected(text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
        #expect(error?.reason.contains("nesting") == true)
        let fine = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try JSONParser.parse(fine) }
    }

    @Test func controlCharactersAreEscapedOnOutput() throws {
        let value = JSONValue.string("a\u{01}b\u{1F}")
        #expect(JSONWriter.string(value) == #""a\u0001b\u001f""#)
        #expect(try JSONParser.parse(JSONWriter.string(value)) == value)
    }

    @Test func nulIsDetected() throws {
        #expect(try JSONParser.parse(#"{"a":["x\u0000"]}"#).containsNUL)
        #expect(try !JSONParser.parse(#"{"a":["x"]}"#).containsNUL)
    }
}
