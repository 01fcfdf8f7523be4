import HTTP1
import JobCore

/// The parameters of an API call: the JSON body's `data` member if it has one, else the body
/// itself (the contract accepts both everywhere). An empty body counts as `{}`.
struct APIParameters {
    /// The parameters: usually an object; `create_task` and id lists also take arrays.
    let value: JSONValue
    /// How error messages name the parameters: `data` when wrapped, else empty.
    let path: String

    /// Parses and checks the body.
    /// - Throws: `APIError` 2002 for a wrong content type, invalid UTF-8 or invalid JSON.
    static func parse(_ request: HTTPRequest) throws(APIError) -> APIParameters {
        if request.body.isEmpty { return APIParameters(value: .object([]), path: "") }
        guard request.hasJSONContentType else {
            throw .badBody("body must be JSON sent with Content-Type: application/json")
        }
        let body: JSONValue
        do {
            body = try JSONParser.parse(request.body)
        } catch {
            throw .badBody("body is not valid JSON: \(error)")
        }
        if case .object = body, let data = body["data"] {
            return APIParameters(value: data, path: "data")
        }
        return APIParameters(value: body, path: "")
    }

    /// The parameters as an object.
    /// - Throws: 2001 if they are not an object.
    func fields() throws(APIError) -> Fields {
        try Fields(value, path: path)
    }
}

/// Typed access to the members of a JSON object, with errors naming `path.key`.
struct Fields {
    let members: JSONValue
    let path: String

    init(_ value: JSONValue, path: String) throws(APIError) {
        guard case .object = value else {
            throw .invalid(path.isEmpty ? "body" : path, "an object")
        }
        self.members = value
        self.path = path
    }

    /// `path.key` for messages.
    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member, treating `null` as absent.
    func value(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    /// Whether the member is present (even as null).
    func has(_ key: String) -> Bool { members[key] != nil }

    func require<T>(_ key: String, _ read: (String) throws(APIError) -> T?) throws(APIError) -> T {
        guard let value = try read(key) else { throw .missing(name(key)) }
        return value
    }

    func string(_ key: String, maxLength: Int = 1024) throws(APIError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value, text.unicodeScalars.count <= maxLength, !text.utf8.contains(0) else {
            throw .invalid(name(key), "a string of at most \(maxLength) characters")
        }
        return text
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let text) = value, let number = Int(text), range.contains(number) else {
            let upper = range.upperBound == Int.max ? "" : " to \(range.upperBound)"
            throw .invalid(name(key), "an integer from \(range.lowerBound)\(upper)")
        }
        return number
    }

    func number(_ key: String, minimum: Double, exclusive: Bool = false, maximum: Double = .greatestFiniteMagnitude) throws(APIError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let text) = value, let number = Double(text), number.isFinite,
              exclusive ? number > minimum : number >= minimum, number <= maximum else {
            let bound = exclusive ? "greater than \(APIEnvelope.format(minimum))" : "at least \(APIEnvelope.format(minimum))"
            throw .invalid(name(key), "a number \(bound)\(maximum < .greatestFiniteMagnitude ? " and at most \(APIEnvelope.format(maximum))" : "")")
        }
        return number
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw .invalid(name(key), "true or false") }
        return flag
    }

    /// A JSON object member, returned as compact JSON text (exact: numbers keep their digits).
    func objectJSON(_ key: String) throws(APIError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .object = value else { throw .invalid(name(key), "an object") }
        try storable(value, key)
        return JSONWriter.string(value)
    }

    /// Any JSON member, as compact JSON text (for results).
    func anyJSON(_ key: String) throws(APIError) -> String? {
        guard let value = value(key) else { return nil }
        try storable(value, key)
        return JSONWriter.string(value)
    }

    /// Refuses what jsonb cannot store: `\u0000` in strings, numbers beyond `numeric`.
    private func storable(_ value: JSONValue, _ key: String) throws(APIError) {
        guard !value.containsNUL else { throw .invalid(name(key), "free of \\u0000 characters (PostgreSQL cannot store them)") }
        guard let digits = value.storedNumberDigits else {
            throw .invalid(name(key), "free of numbers with more than 131072 digits before or 16383 after the decimal point")
        }
        guard digits <= JSONValue.maxStoredNumberDigits else {
            throw .invalid(name(key), "free of numbers that expand to more than \(JSONValue.maxStoredNumberDigits) digits in all")
        }
    }

    func status(_ key: String) throws(APIError) -> TaskStatus? {
        guard let text = try string(key, maxLength: 32) else { return nil }
        guard let status = TaskStatus(rawValue: text) else {
            throw .invalid(name(key), "one of \(TaskStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }

    func service(_ key: String) throws(APIError) -> String? {
        guard let text = try string(key, maxLength: 63) else { return nil }
        guard ServiceName.isValid(text) else { throw .invalid(name(key), "a service name matching [a-z][a-z0-9_]{0,62}") }
        return text
    }

    func tag(_ key: String) throws(APIError) -> String? {
        guard let text = try string(key, maxLength: 64) else { return nil }
        guard TaskTag.isValid(text) else { throw .invalid(name(key), "a tag matching [A-Za-z0-9_.-]{1,64}") }
        return text
    }
}
