import HTTP1
import JobCore

/// Writes a success envelope `{"result":"ok","code":0,...}` field by field, straight to bytes:
/// stored JSON (conditions, results) is copied in as text, never re-parsed or re-encoded.
struct APIEnvelope {
    private var writer = JSONWriter(capacity: 512)
    private var first = true

    init() {
        writer.writeRaw(#"{"result":"ok","code":0"#)
        first = false
    }

    /// Starts a nested object (a status item, a list item): `{`.
    static func object(_ fill: (inout APIEnvelope) -> Void) -> [UInt8] {
        var nested = APIEnvelope(nested: ())
        fill(&nested)
        nested.writer.writeRaw("}")
        return nested.writer.bytes
    }

    private init(nested: Void) {
        writer.writeRaw("{")
    }

    private mutating func key(_ name: String) {
        if !first { writer.writeRaw(",") }
        first = false
        writer.write(string: name)
        writer.writeRaw(":")
    }

    mutating func string(_ name: String, _ value: String?) {
        key(name)
        if let value { writer.write(string: value) } else { writer.writeRaw("null") }
    }

    mutating func int(_ name: String, _ value: Int) {
        key(name)
        writer.writeRaw(String(value))
    }

    mutating func number(_ name: String, _ value: Double?) {
        key(name)
        if let value, value.isFinite { writer.writeRaw(Self.format(value)) } else { writer.writeRaw("null") }
    }

    /// A field whose value is JSON text already (from the database, or built by `object`).
    mutating func raw(_ name: String, _ json: String?) {
        key(name)
        writer.writeRaw(json ?? "null")
    }

    mutating func raw(_ name: String, bytes: [UInt8]) {
        key(name)
        writer.writeRaw(bytes)
    }

    mutating func strings(_ name: String, _ values: [String]) {
        key(name)
        writer.write(.array(values.map { .string($0) }))
    }

    /// A JSON array of already-encoded items.
    mutating func array(_ name: String, _ items: [[UInt8]]) {
        key(name)
        writer.writeRaw("[")
        for (i, item) in items.enumerated() {
            if i > 0 { writer.writeRaw(",") }
            writer.writeRaw(item)
        }
        writer.writeRaw("]")
    }

    /// The finished response.
    consuming func response() -> HTTPResponse {
        writer.writeRaw("}")
        return .json(bytes: writer.bytes)
    }

    /// Seconds and fractions without exponent noise: `1.5`, `0.002`, `12`.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension APIError {
    /// The error envelope as a response, with its headers.
    var response: HTTPResponse {
        var writer = JSONWriter()
        writer.writeRaw(#"{"result":"exception","code":"#)
        writer.writeRaw(String(code))
        writer.writeRaw(#","message":"#)
        writer.write(string: message)
        writer.writeRaw("}")
        var response = HTTPResponse.json(bytes: writer.bytes, status: status)
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
