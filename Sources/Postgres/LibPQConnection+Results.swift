import CLibPQ

extension LibPQConnection {
    /// Turns a `PGresult` into rows or an error, and frees it.
    ///
    /// libpq: "Every command result should be freed via PQclear when it is no longer needed."
    /// This is the only place results are freed; the values are copied out first.
    func consume(_ result: OpaquePointer?, statement: String) throws(PostgresError)
        -> PostgresRows
    {
        guard let result else {
            // A null result means out of memory or the command could not be sent at all.
            throw lostOrFailed(statement: statement, message: errorMessage)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return Self.copyRows(result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw error(from: result, statement: statement)
        default:
            // COPY and pipeline states: not supported here. The connection is in an unusable
            // state for the pool, so report it as lost.
            throw PostgresError(
                code: .unexpectedResponse,
                message: "unexpected result status \(String(cString: PQresStatus(PQresultStatus(result))))",
                statement: statement)
        }
    }

    private func lostOrFailed(statement: String, message: String) -> PostgresError {
        PostgresError(
            code: isConnected ? .unexpectedResponse : .connectionLost, message: message,
            statement: statement)
    }

    private func error(from result: OpaquePointer, statement: String) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        var message = field(CPQ_DIAG_MESSAGE_PRIMARY) ?? String(cString: PQresultErrorMessage(result))
        while message.last?.isNewline == true { message.removeLast() }
        if message.isEmpty { message = errorMessage }
        let sqlState = field(CPQ_DIAG_SQLSTATE).map(SQLState.init)
        var error = PostgresError(
            code: .server, message: message, sqlState: sqlState,
            severity: field(CPQ_DIAG_SEVERITY), detail: field(CPQ_DIAG_MESSAGE_DETAIL),
            hint: field(CPQ_DIAG_MESSAGE_HINT), constraint: field(CPQ_DIAG_CONSTRAINT_NAME),
            column: field(CPQ_DIAG_COLUMN_NAME), statement: statement)
        if !isConnected {
            error.code = .connectionLost
            // Class 57 (operator intervention: admin / crash shutdown, cannot connect now): the
            // server terminated the session and rolled the statement back.
            error.isSafeToRetry = sqlState?.errorClass == "57"
            if sqlState == nil { error.message = errorMessage }
        }
        return error
    }

    /// Copies names, types and values out of `result` into Swift storage (three arrays).
    static func copyRows(_ result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var names: [String] = []
        var types: [PostgresDataType] = []
        names.reserveCapacity(columnCount)
        types.reserveCapacity(columnCount)
        for column in 0..<Int32(columnCount) {
            names.append(String(cString: PQfname(result, column)))
            types.append(PostgresDataType(PQftype(result, column)))
        }
        let cellCount = rowCount * columnCount
        var total = 0
        let cells = [PostgresRows.Cell](unsafeUninitializedCapacity: cellCount) { buffer, count in
            var index = 0
            for row in 0..<Int32(rowCount) {
                for column in 0..<Int32(columnCount) {
                    if PQgetisnull(result, row, column) != 0 {
                        buffer[index] = PostgresRows.Cell(offset: Int32(total), length: -1)
                    } else {
                        let length = PQgetlength(result, row, column)
                        buffer[index] = PostgresRows.Cell(offset: Int32(total), length: length)
                        total += Int(length)
                    }
                    index += 1
                }
            }
            count = cellCount
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            var index = 0
            for row in 0..<Int32(rowCount) {
                for column in 0..<Int32(columnCount) {
                    let cell = cells[index]
                    index += 1
                    guard cell.length > 0, let value = PQgetvalue(result, row, column) else {
                        continue
                    }
                    UnsafeMutableRawPointer(buffer.baseAddress! + Int(cell.offset))
                        .copyMemory(from: value, byteCount: Int(cell.length))
                }
            }
            count = total
        }
        let storage = PostgresRows.Storage(
            columnNames: names, columnTypes: types, bytes: bytes, cells: cells,
            rowCount: rowCount, commandTag: String(cString: PQcmdStatus(result)),
            affectedRows: Self.parseCount(PQcmdTuples(result)))
        return PostgresRows(storage: storage)
    }

    private static func parseCount(_ text: UnsafePointer<CChar>?) -> Int {
        guard var pointer = text else { return 0 }
        var value = 0
        while pointer.pointee >= 48 && pointer.pointee <= 57 {
            value = value * 10 + Int(pointer.pointee - 48)
            pointer += 1
        }
        return value
    }
}
