/// The rows a statement returned, copied out of libpq's result (which is freed at once).
///
/// ```swift
/// let rows = try await conn.query("SELECT task_id, attempt FROM tasks WHERE status = \(status)")
/// for row in rows {
///     let id = try row.decode("task_id", as: String.self)
///     let attempt = try row.decode(1, as: Int.self)
/// }
/// print(rows.affectedRows)   // for INSERT / UPDATE / DELETE
/// ```
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// Immutable storage shared by the rows; all values back to back in one buffer.
    final class Storage: Sendable {
        let columnNames: [String]
        let columnTypes: [PostgresDataType]
        let bytes: [UInt8]
        /// Per cell, row-major: offset into `bytes` and length (-1 for NULL).
        let cells: [Cell]
        let rowCount: Int
        let commandTag: String
        let affectedRows: Int

        init(
            columnNames: [String], columnTypes: [PostgresDataType], bytes: [UInt8],
            cells: [Cell], rowCount: Int, commandTag: String, affectedRows: Int
        ) {
            self.columnNames = columnNames
            self.columnTypes = columnTypes
            self.bytes = bytes
            self.cells = cells
            self.rowCount = rowCount
            self.commandTag = commandTag
            self.affectedRows = affectedRows
        }

        func columnIndex(_ name: String) -> Int? {
            columnNames.firstIndex(of: name)
        }
    }

    struct Cell: Sendable {
        var offset: Int32
        var length: Int32
    }

    let storage: Storage

    /// The column names, in order.
    public var columns: [String] { storage.columnNames }
    /// The columns' PostgreSQL types, in order.
    public var columnTypes: [PostgresDataType] { storage.columnTypes }
    /// The command tag, e.g. `"INSERT 0 1"` or `"SELECT 3"`.
    public var commandTag: String { storage.commandTag }
    /// Rows inserted, updated, deleted, selected... as reported by the server (0 if none).
    public var affectedRows: Int { storage.affectedRows }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.rowCount }
    public subscript(position: Int) -> PostgresRow { PostgresRow(storage: storage, index: position) }
}

/// One row of `PostgresRows`; columns are read by name or by index.
public struct PostgresRow: Sendable {
    let storage: PostgresRows.Storage
    let index: Int

    /// The column names, in order.
    public var columns: [String] { storage.columnNames }

    /// The cell in column `name`.
    ///
    /// - Throws: `PostgresError` (`.decoding`) when there is no such column.
    public func cell(_ name: String) throws(PostgresError) -> PostgresCell {
        guard let column = storage.columnIndex(name) else {
            throw PostgresError(
                code: .decoding,
                message: "no column \"\(name)\" in the result (columns: "
                    + storage.columnNames.joined(separator: ", ") + ")",
                column: name)
        }
        return PostgresCell(storage: storage, row: index, column: column)
    }

    /// The cell at column `column` (0-based).
    public func cell(_ column: Int) throws(PostgresError) -> PostgresCell {
        guard column >= 0, column < storage.columnNames.count else {
            throw PostgresError(
                code: .decoding,
                message: "no column at index \(column) (\(storage.columnNames.count) columns)")
        }
        return PostgresCell(storage: storage, row: index, column: column)
    }

    /// The cell in column `name`, or nil when there is no such column.
    public subscript(name: String) -> PostgresCell? {
        storage.columnIndex(name).map { PostgresCell(storage: storage, row: index, column: $0) }
    }

    /// The cell at column `column` (0-based); traps when out of range.
    public subscript(column: Int) -> PostgresCell {
        PostgresCell(storage: storage, row: index, column: column)
    }

    /// Decodes column `name` as `type`; decode as an Optional to accept NULL.
    ///
    /// - Throws: `PostgresError` (`.decoding`) naming the column, for a missing column, NULL in
    ///   a non-optional, or a type that does not match.
    public func decode<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self)
        throws(PostgresError) -> T
    {
        try cell(name).decode(type)
    }

    /// Decodes the column at `column` (0-based) as `type`.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self)
        throws(PostgresError) -> T
    {
        try cell(column).decode(type)
    }
}

/// One value of a row: its column, type, and bytes (binary format), or NULL.
public struct PostgresCell: Sendable {
    let storage: PostgresRows.Storage
    let row: Int
    /// The column's index.
    public let column: Int

    /// The column's name.
    public var columnName: String { storage.columnNames[column] }
    /// The column's PostgreSQL type.
    public var type: PostgresDataType { storage.columnTypes[column] }

    var raw: PostgresRows.Cell { storage.cells[row * storage.columnNames.count + column] }

    /// True when the value is SQL NULL.
    public var isNull: Bool { raw.length < 0 }

    /// The value's bytes in PostgreSQL's binary format, nil for NULL.
    public var bytes: ArraySlice<UInt8>? {
        let cell = raw
        guard cell.length >= 0 else { return nil }
        let start = Int(cell.offset)
        return storage.bytes[start..<(start + Int(cell.length))]
    }

    /// Decodes the value as `type`; decode as an Optional to accept NULL.
    ///
    /// - Throws: `PostgresError` (`.decoding`) naming the column.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self) throws(PostgresError) -> T {
        do {
            guard let bytes else { return try T.decodeNull() }
            return try T.decode(from: bytes, type: self.type)
        } catch {
            throw PostgresError(
                code: .decoding,
                message: "column \"\(columnName)\" (index \(column), type \(self.type)): "
                    + "cannot decode as \(T.self): \(error.reason)",
                column: columnName)
        }
    }
}
