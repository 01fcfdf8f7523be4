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

    /// A fresh id for a task of `service`.
    public init(service: ServiceName) {
        var uuid = UUID().uuid
        let hex = withUnsafeBytes(of: &uuid) { Self.hex($0) }
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
