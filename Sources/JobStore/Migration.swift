import Foundation
import JobCrypto

/// One numbered plain-SQL file of `migrations/`: `NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    /// The number, from the file name; applied in increasing order.
    public var version: Int
    /// The file name, e.g. `0001_initial.sql`.
    public var fileName: String
    /// The SQL text, run as one script in one transaction.
    public var sql: String
    /// SHA-256 of the file's bytes (hex); a changed applied file is detected by it.
    public var checksum: String

    public init(version: Int, fileName: String, sql: String) {
        self.version = version
        self.fileName = fileName
        self.sql = sql
        self.checksum = Digest.sha256Hex(sql.utf8)
    }

    /// Reads every `NNNN_name.sql` in `directory`, sorted by number.
    /// - Throws: `MigrationError.badDirectory` naming the file or directory that is wrong:
    ///   unreadable, a `.sql` file without a leading number, or two files with one number.
    public static func load(directory: String) throws(MigrationError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .badDirectory("cannot read the migrations directory \(directory): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            let digits = name.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, name.dropFirst(digits.count).first == "_", let version = Int(digits), version > 0 else {
                throw .badDirectory("\(directory)/\(name): expected a name like 0001_description.sql")
            }
            let path = "\(directory)/\(name)"
            guard let data = FileManager.default.contents(atPath: path),
                  let sql = String(data: data, encoding: .utf8) else {
                throw .badDirectory("cannot read \(path) as UTF-8 text")
            }
            if let other = migrations.first(where: { $0.version == version }) {
                throw .badDirectory("\(other.fileName) and \(name) have the same number \(version)")
            }
            migrations.append(Migration(version: version, fileName: name, sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
