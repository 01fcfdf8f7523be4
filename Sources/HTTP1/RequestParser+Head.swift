/// Finding the end of the header section and checking its size limits as bytes arrive.
extension RequestParser {
    /// Longest request line accepted while its end has not arrived yet: the target limit plus
    /// room for the longest method and the version.
    var maxRequestLineBytes: Int { limits.maxTargetBytes + 32 }

    /// Returns the head once the empty line ending it has arrived; `nil` if more bytes are needed.
    mutating func parseHeadIfComplete() throws(HTTPParseError) -> RequestHead? {
        // RFC 9112 2.2: a server SHOULD ignore at least one empty line (CRLF) before the request-line.
        if requestLineEndOffset == nil && scanOffset == 0 {
            while bufferedByteCount >= 2, buffer[readIndex] == ByteClass.cr, buffer[readIndex + 1] == ByteClass.lf {
                readIndex += 2
            }
            if bufferedByteCount == 1 && buffer[readIndex] == ByteClass.cr { return nil }
        }
        while let lf = indexOfLF(from: readIndex + scanOffset) {
            let lineStart = readIndex + lineStartOffset
            guard lf > lineStart, buffer[lf - 1] == ByteClass.cr else { throw .bad("bare LF") }
            let lineLength = lf - 1 - lineStart
            scanOffset = lf + 1 - readIndex
            lineStartOffset = scanOffset
            if let requestLineEnd = requestLineEndOffset {
                if scanOffset - requestLineEnd - 1 > limits.maxHeaderBytes {
                    throw HTTPParseError(.requestHeaderFieldsTooLarge, "header section too large")
                }
                if lineLength == 0 { return try completeHead(endOffset: scanOffset) }
                headerCount += 1
                if headerCount > limits.maxHeaderCount {
                    throw HTTPParseError(.requestHeaderFieldsTooLarge, "too many header fields")
                }
            } else {
                if lineLength > maxRequestLineBytes { throw HTTPParseError(.uriTooLong, "request line too long") }
                requestLineEndOffset = lf - readIndex
            }
        }
        scanOffset = bufferedByteCount
        if let requestLineEnd = requestLineEndOffset {
            if bufferedByteCount - requestLineEnd - 1 > limits.maxHeaderBytes {
                throw HTTPParseError(.requestHeaderFieldsTooLarge, "header section too large")
            }
        } else if bufferedByteCount > maxRequestLineBytes {
            throw HTTPParseError(.uriTooLong, "request line too long")
        }
        return nil
    }

    /// Parses the complete head `[readIndex, readIndex + endOffset)` and consumes it.
    private mutating func completeHead(endOffset: Int) throws(HTTPParseError) -> RequestHead {
        let requestLineEnd = requestLineEndOffset!
        let start = readIndex
        let head = try withBuffer { raw throws(HTTPParseError) in
            let requestLine = UnsafeRawBufferPointer(rebasing: raw[start..<(start + requestLineEnd - 1)])
            let fields = UnsafeRawBufferPointer(rebasing: raw[(start + requestLineEnd + 1)..<(start + endOffset - 2)])
            return try Self.parseHead(requestLine: requestLine, fields: fields, limits: limits)
        }
        readIndex += endOffset
        startBody(head.framing)
        return head
    }

    /// Splits `name: value` into a validated name and a trimmed, validated value.
    static func splitField(
        _ line: UnsafeRawBufferPointer
    ) throws(HTTPParseError) -> (name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        if let first = line.first, ByteClass.isWhitespace(first) { throw .bad("obsolete line folding") }
        var colon = 0
        while colon < line.count, line[colon] != ByteClass.colon {
            guard ByteClass.isTokenChar(line[colon]) else {
                throw .bad(ByteClass.isWhitespace(line[colon]) ? "whitespace before colon" : "invalid field name")
            }
            colon += 1
        }
        guard colon < line.count, colon > 0 else { throw .bad("invalid header field") }
        let value = ByteClass.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        for byte in value where !ByteClass.isFieldValueByte(byte) {
            throw .bad("control byte in field value")
        }
        return (UnsafeRawBufferPointer(rebasing: line[..<colon]), value)
    }
}
