import Foundation

/// A task id: `ts_<service>_<uuid as 32 lowercase hex>`.
public struct TaskID: Hashable, Sendable, CustomStringConvertible {
    /// The id text.
    public let rawValue: String

    /// Validates an id received from a client; nil if it is not of the form above.
    public init?(_ rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// A fresh id for a task of `service`: a version 7 UUID (RFC 9562), whose first 48 bits
    /// are the Unix time in milliseconds and the other 74 free bits random. Ids of one service
    /// then sort by creation time, so the primary key of `tasks` grows at its right edge instead
    /// of taking every new id on a random page of a 10 million entry index (cold pages, and a
    /// full-page image in the WAL for the first change of each after a checkpoint).
    public init(service: ServiceName) {
        self.init(service: service, now: Date())
    }

    /// An id for a task of `service` created at `now` (tests give the time).
    public init(service: ServiceName, now: Date) {
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1_000))
        var bytes = (0..<6).map { UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64($0))) }
        var generator = SystemRandomNumberGenerator()
        var random = (generator.next() as UInt64, generator.next() as UInt16)
        withUnsafeBytes(of: &random.0) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: &random.1) { bytes.append(contentsOf: $0) }
        bytes[6] = 0x70 | (bytes[6] & 0x0f)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3f)  // variant 10
        let hex = bytes.withUnsafeBytes { Self.hex($0) }
        rawValue = "ts_\(service.rawValue)_\(hex)"
    }

    public var description: String { rawValue }

    /// The service part of the id.
    public var service: String {
        String(rawValue.dropFirst(3).dropLast(33))
    }

    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3 + 1 + 1 + 32, bytes.starts(with: Array("ts_".utf8)) else { return false }
        let hex = bytes.suffix(32)
        guard bytes[bytes.count - 33] == UInt8(ascii: "_"),
              hex.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return false }
        let service = String(decoding: bytes[3..<(bytes.count - 33)], as: UTF8.self)
        return ServiceName.isValid(service)
    }

    private static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
