import CLibPQ
import Glibc

/// The one owner of a `PGconn`: not `Sendable`, used from one thread (its actor's or the
/// listener's), and released in one place, `deinit`.
///
/// libpq: "Note that when PQconnectdb returns a non-null pointer, you must call PQfinish when you
/// are finished with it ... even if the server connection attempt fails (as indicated by
/// PQstatus), the application should call PQfinish to free the memory used by the PGconn
/// object." So `connect` wraps the pointer in an owner before it even checks the status.
final class LibPQConnection {
    let conn: OpaquePointer
    private let configuration: PostgresConfiguration
    private var statements: [String: PreparedStatement] = [:]
    /// The last notice or out-of-band error the server sent (e.g. FATAL 57P01 before closing).
    /// False on the listener's connection, whose notifications must wait for `takeNotifications`.
    var discardsNotifications = true
    /// Set when the server announced it is closing the connection (libpq may not know yet).
    var isBroken = false
    var lastNotice: (sqlState: SQLState?, severity: String, message: String)?

    struct PreparedStatement {
        var name: String
        var types: [UInt32]
    }

    private init(owning conn: OpaquePointer, configuration: PostgresConfiguration) {
        self.conn = conn
        self.configuration = configuration
    }

    deinit { PQfinish(conn) }

    /// Connects (blocking, bounded by `connect_timeout`).
    ///
    /// - Throws: `PostgresError` `.connectionFailed` with libpq's message (never the password).
    static func connect(_ configuration: PostgresConfiguration) throws(PostgresError)
        -> LibPQConnection
    {
        let pairs = configuration.connectParameters
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { (keywords + values).forEach { free($0) } }
        let raw: OpaquePointer? = (keywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer {
            keywordArray in
            (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { valueArray in
                PQconnectdbParams(keywordArray.baseAddress, valueArray.baseAddress, 1)
            }
        }
        guard let raw else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        let owner = LibPQConnection(owning: raw, configuration: configuration)
        guard PQstatus(raw) == CONNECTION_OK else {
            throw PostgresError(
                code: .connectionFailed,
                message: "cannot connect to \(configuration): \(owner.errorMessage)")
        }
        owner.installNoticeReceiver()
        return owner
    }

    /// libpq's last error message, without its trailing newline.
    var errorMessage: String {
        var text = String(cString: PQerrorMessage(conn))
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }

    /// True while libpq considers the connection usable.
    var isConnected: Bool { !isBroken && PQstatus(conn) == CONNECTION_OK }

    /// True when no transaction block is open (and no command in progress).
    var isTransactionIdle: Bool { PQtransactionStatus(conn) == PQTRANS_IDLE }

    /// The socket descriptor (for poll), -1 if none.
    var socket: Int32 { PQsocket(conn) }

    /// The backend's process id (for `pg_terminate_backend` in tests and diagnostics).
    var backendPID: Int32 { PQbackendPID(conn) }

    /// Runs `query` with binary parameters and results: as a cached prepared statement when the
    /// query is cacheable and the cache has room, otherwise with PQexecParams.
    func execute(_ query: PostgresQuery) throws(PostgresError) -> PostgresRows {
        try checkBeforeSending(query.sql)
        if query.isCacheable, configuration.preparedStatementCacheSize > 0 {
            if let statement = statements[query.sql] {
                if Self.typesMatch(statement.types, query.binds) {
                    return try executePrepared(statement.name, query)
                }
            } else if statements.count < configuration.preparedStatementCacheSize {
                let name = "jobs_\(statements.count + 1)"
                try prepare(name, query)
                statements[query.sql] = PreparedStatement(
                    name: name, types: query.binds.metadata.map(\.type))
                return try executePrepared(name, query)
            }
        }
        let result = withParameters(query.binds) { types, values, lengths, formats in
            PQexecParams(
                conn, query.sql, Int32(query.binds.count), types, values, lengths, formats, 1)
        }
        return try consume(result, statement: query.sql)
    }

    /// Runs SQL text with the simple query protocol (several statements allowed, no parameters),
    /// for migrations and DDL. Returns the last statement's rows (text format).
    func executeScript(_ sql: String) throws(PostgresError) -> PostgresRows {
        try checkBeforeSending(sql)
        return try consume(PQexec(conn, sql), statement: sql)
    }

    private func prepare(_ name: String, _ query: PostgresQuery) throws(PostgresError) {
        let types = query.binds.metadata.map(\.type)
        let result = PQprepare(conn, name, query.sql, Int32(types.count), types)
        _ = try consume(result, statement: query.sql)
    }

    private func executePrepared(_ name: String, _ query: PostgresQuery) throws(PostgresError)
        -> PostgresRows
    {
        let result = withParameters(query.binds) { _, values, lengths, formats in
            PQexecPrepared(conn, name, Int32(query.binds.count), values, lengths, formats, 1)
        }
        do {
            return try consume(result, statement: query.sql)
        } catch {
            if error.sqlState == .invalidSQLStatementName || error.sqlState == .featureNotSupported {
                statements[query.sql] = nil  // dropped by DISCARD, or its plan went stale
            }
            throw error
        }
    }

    private static func typesMatch(_ types: [UInt32], _ binds: PostgresBindings) -> Bool {
        guard types.count == binds.metadata.count else { return false }
        for index in types.indices where types[index] != binds.metadata[index].type {
            return false
        }
        return true
    }

    /// Lends libpq the parameter arrays: pointers into the binds' single buffer, on the stack.
    private func withParameters(
        _ binds: PostgresBindings,
        _ body: (
            UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?
        ) -> OpaquePointer?
    ) -> OpaquePointer? {
        let count = binds.count
        if count == 0 { return body(nil, nil, nil, nil) }
        var placeholder: UInt8 = 0  // a valid address for zero-length values in an empty buffer
        return withUnsafePointer(to: &placeholder) { empty in
            binds.bytes.withUnsafeBufferPointer { bytes in
                let base = UnsafeRawPointer(bytes.baseAddress ?? empty)
                return withUnsafeTemporaryAllocation(of: Oid.self, capacity: count) { types in
                    withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) {
                        values in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: count * 2) { ints in
                            for (index, bind) in binds.metadata.enumerated() {
                                types[index] = bind.type
                                values[index] =
                                    bind.length < 0
                                    ? nil
                                    : (base + Int(bind.offset)).assumingMemoryBound(to: CChar.self)
                                ints[index] = max(bind.length, 0)
                                ints[count + index] = 1  // binary format
                            }
                            return body(
                                UnsafePointer(types.baseAddress), UnsafePointer(values.baseAddress),
                                UnsafePointer(ints.baseAddress),
                                UnsafePointer(ints.baseAddress.map { $0 + count }))
                        }
                    }
                }
            }
        }
    }
}
