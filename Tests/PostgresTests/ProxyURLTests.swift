import Testing
import TestSupport

/// `TestPostgres.url(_:port:)`, which points a test's connection at a `CuttableProxy`: only the
/// port of the URL's authority changes.
struct ProxyURLTests {
    @Test func onlyTheAuthoritysPortChanges() {
        #expect(TestPostgres.url("postgresql://jobs:p:w@127.0.0.1:5432/db", port: 9) == "postgresql://jobs:p:w@127.0.0.1:9/db")
        #expect(TestPostgres.url("postgresql://u@h:1/db?application_name=a@b:c", port: 9) == "postgresql://u@h:9/db?application_name=a@b:c")
        #expect(TestPostgres.url("postgres://u@h/db", port: 9) == "postgres://u@h:9/db")
        #expect(TestPostgres.url("postgresql://u@[::1]:5432/db", port: 9) == "postgresql://u@[::1]:9/db")
        #expect(TestPostgres.url("postgresql://h", port: 9) == "postgresql://h:9")
        #expect(TestPostgres.url("host=/run/pg dbname=x", port: 9) == "host=/run/pg dbname=x host=127.0.0.1 port=9")
    }
}
