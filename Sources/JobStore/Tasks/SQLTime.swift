/// SQL fragments shared by the task queries.
enum SQLFragment {
    /// A timestamptz column as RFC 3339 UTC with milliseconds (`2026-11-21T13:55:01.123Z`), or
    /// NULL; formatted by PostgreSQL so the hot read paths do no date work in Swift.
    static func time(_ column: String) -> String {
        #"to_char(\#(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#
    }
}
