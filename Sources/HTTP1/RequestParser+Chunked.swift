/// Chunked transfer coding (RFC 9112 section 7.1): size lines, data, trailers.
extension RequestParser {
    /// Parses one `chunk-size [chunk-ext] CRLF` line. Returns false if it is not complete yet.
    mutating func parseChunkSizeLine() throws(HTTPParseError) -> Bool {
        guard let lf = indexOfLF(from: readIndex) else {
            if bufferedByteCount > limits.maxChunkLineBytes { throw .bad("chunk-size line too long") }
            return false
        }
        let lineLength = lf - readIndex
        if lineLength > limits.maxChunkLineBytes { throw .bad("chunk-size line too long") }
        guard lineLength >= 2, buffer[lf - 1] == ByteClass.cr else { throw .bad("bad chunk-size line") }
        let size = try withBuffer { raw throws(HTTPParseError) in
            try Self.chunkSize(UnsafeRawBufferPointer(rebasing: raw[readIndex..<(lf - 1)]))
        }
        readIndex = lf + 1
        if size == 0 {
            state = .trailers(bytes: 0, count: 0)
        } else {
            if size > limits.maxBodyBytes - body.count {
                throw HTTPParseError(.contentTooLarge, "chunked body larger than the limit")
            }
            state = .chunkData(remaining: size)
        }
        return true
    }

    /// `1*HEXDIG [ BWS ";" extensions ]`: the size, with extensions checked for control bytes
    /// and otherwise ignored.
    static func chunkSize(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let digit = ByteClass.hexValue(line[index]) {
            // Sixteen hex digits cannot overflow an Int's 63 bits only up to 0x7fff...; check.
            guard size <= (Int.max - digit) / 16 else { throw .bad("chunk size overflows") }
            size = size * 16 + digit
            index += 1
        }
        guard index > 0 else { throw .bad("bad chunk-size line") }
        var rest = index
        while rest < line.count, ByteClass.isWhitespace(line[rest]) { rest += 1 }
        if rest == line.count {
            guard rest == index else { throw .bad("bad chunk-size line") }
            return size
        }
        guard line[rest] == UInt8(ascii: ";") else { throw .bad("bad chunk-size line") }
        for position in rest..<line.count where !ByteClass.isFieldValueByte(line[position]) {
            throw .bad("control byte in chunk extension")
        }
        return size
    }

    /// Parses one trailer line (validated like a header field, then discarded), or the empty
    /// line that ends the message. Returns false if the line is not complete yet.
    mutating func parseTrailerLine() throws(HTTPParseError) -> Bool {
        guard case .trailers(let bytes, let count) = state else { return false }
        guard let lf = indexOfLF(from: readIndex) else {
            if bytes + bufferedByteCount > limits.maxHeaderBytes {
                throw HTTPParseError(.requestHeaderFieldsTooLarge, "trailer section too large")
            }
            return false
        }
        let lineLength = lf + 1 - readIndex
        guard lineLength >= 2, buffer[lf - 1] == ByteClass.cr else { throw .bad("bare LF in trailers") }
        if lineLength == 2 {
            readIndex = lf + 1
            state = .emptyBody
            return true
        }
        guard bytes + lineLength <= limits.maxHeaderBytes else {
            throw HTTPParseError(.requestHeaderFieldsTooLarge, "trailer section too large")
        }
        guard count + 1 <= limits.maxHeaderCount else {
            throw HTTPParseError(.requestHeaderFieldsTooLarge, "too many trailer fields")
        }
        try withBuffer { raw throws(HTTPParseError) in
            _ = try Self.splitField(UnsafeRawBufferPointer(rebasing: raw[readIndex..<(lf - 1)]))
        }
        readIndex = lf + 1
        state = .trailers(bytes: bytes + lineLength, count: count + 1)
        return true
    }
}
