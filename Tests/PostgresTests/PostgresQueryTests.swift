import Foundation
import Postgres
import Testing

@Suite struct PostgresQueryTests {
    @Test func interpolatedValuesBecomeNumberedBinds() {
        let id = "t-1"
        let limit = 10
        let query: PostgresQuery = "SELECT * FROM tasks WHERE task_id = \(id) AND n < \(limit)"
        #expect(query.sql == "SELECT * FROM tasks WHERE task_id = $1 AND n < $2")
        #expect(query.binds.count == 2)
        #expect(query.binds.types == [.text, .int8])
        #expect(query.isCacheable)
    }

    @Test func nilBindsKeepTheirType() {
        let missing: Date? = nil
        let query: PostgresQuery = "UPDATE tasks SET ended_at = \(missing)"
        #expect(query.sql == "UPDATE tasks SET ended_at = $1")
        #expect(query.binds.types == [.timestamptz])
    }

    @Test func unescapedFragmentsAreVerbatimAndNotCached() {
        let table = "tasks"
        let query: PostgresQuery = "SELECT count(*) FROM \(unescaped: table) WHERE a = \(1)"
        #expect(query.sql == "SELECT count(*) FROM tasks WHERE a = $1")
        #expect(!query.isCacheable)
    }

    @Test func descriptionNeverShowsValues() {
        let secret = "hunter2"
        let query: PostgresQuery = "UPDATE users SET secret = \(secret)"
        #expect(!"\(query)".contains(secret))
    }

    @Test func arraysAndJSONHaveTheirTypes() {
        let query: PostgresQuery =
            "SELECT \(["a"]), \([UInt8]([1, 2])), \(PostgresJSON(rawText: "{}")), \(UUID())"
        #expect(query.binds.types == [.textArray, .bytea, .jsonb, .uuid])
    }
}

@Suite struct PostgresConfigurationTests {
    @Test func parsesURLAndRedactsPassword() throws {
        let config = try PostgresConfiguration(
            "postgresql://jobs:s3cret@db.example:5433/jobs?sslmode=require&application_name=api")
        #expect(config.parameter("host") == "db.example")
        #expect(config.parameter("port") == "5433")
        #expect(config.parameter("sslmode") == "require")
        #expect(config.parameter("application_name") == "api")
        #expect(config.parameter("password") == nil)
        #expect(!config.description.contains("s3cret"))
        #expect(config.description == "postgresql://jobs@db.example:5433/jobs (sslmode=require)")
    }

    @Test func parsesConninfo() throws {
        let config = try PostgresConfiguration("host=127.0.0.1 port=5432 user=jobs password=pw dbname=x")
        #expect(config.parameter("dbname") == "x")
        #expect(!config.description.contains("pw"))
        #expect(config.withDatabase("y").description.hasSuffix("/y"))
    }

    @Test func rejectsBadSSLMode() {
        #expect {
            try PostgresConfiguration("postgresql://jobs@localhost/db?sslmode=sometimes")
        } throws: { error in
            let error = error as? PostgresError
            return error?.code == .invalidConfiguration && error!.message.contains("sslmode")
        }
    }

    @Test func rejectsBadTimeout() {
        #expect(throws: PostgresError.self) {
            try PostgresConfiguration("postgresql://jobs@localhost/db?connect_timeout=soon")
        }
    }

    @Test func parseErrorsDoNotEchoThePassword() {
        #expect {
            try PostgresConfiguration("postgresql://jobs:pa%zzword@localhost/db")
        } throws: { error in
            let text = "\(error)"
            return (error as? PostgresError)?.code == .invalidConfiguration
                && !text.contains("pa%zzword") && !text.contains("zzword")
        }
    }

    @Test func unknownOptionIsNamed() {
        #expect {
            try PostgresConfiguration("host=localhost colour=blue")
        } throws: { error in
            "\(error)".contains("colour")
        }
    }
}
