import Foundation
import JobConfig
import Testing

@Suite struct ConfigurationTests {
    let minimal = """
        database:
          url: postgresql://jobs@127.0.0.1:5432/jobserver
        amqp:
          url: amqp://guest:guest@127.0.0.1:5672/%2f
        """

    @Test func defaultsApplyWhenKeysAreAbsent() throws {
        let config = try Configuration.parse(yaml: minimal, environment: [:])
        #expect(config.server.port == 8080)
        #expect(config.server.maxBodyBytes == 1 << 20)
        #expect(config.tasks.maxBulkCreate == 1000)
        #expect(config.tasks.maxStatusTask == 100)
        #expect(config.auth.windowSeconds == 60)
        #expect(config.amqp.exchange == "jobs")
        #expect(config.worker.tags.isEmpty)
    }

    @Test func theShippedExampleIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../conf/jobserver.yaml").standardized.path
        let config = try Configuration.load(file: path, environment: [:])
        #expect(config.services.map(\.name) == ["echo", "sleep", "fail"])
        #expect(config.auth.keyFile == "/etc/jobserver/secret.key")
    }

    @Test func environmentOverridesTheFile() throws {
        let config = try Configuration.parse(yaml: minimal, environment: [
            "JOBS_SERVER_PORT": "9090",
            "JOBS_DATABASE_URL": "postgresql://other@db.example:5433/x",
            "JOBS_WORKER_TAGS": "gpu, big",
            "JOBS_WORKER_CONCURRENCY": "7",
            "JOBS_SERVER_METRICS_AUTH": "yes",
        ])
        #expect(config.server.port == 9090)
        #expect(config.database.url == "postgresql://other@db.example:5433/x")
        #expect(config.worker.tags == ["gpu", "big"])
        #expect(config.worker.concurrency == 7)
        #expect(config.server.metricsAuth)
    }

    @Test func everyProblemIsReportedWithItsKey() throws {
        let yaml = """
            server:
              port: http
              prot: 80
              log_level: loud
            database:
              url: mysql://x
            amqp:
              url: http://broker
            tasks:
              max_bulk_create: 0
            worker:
              tags: ["ok", "bad tag"]
            colour: blue
            services:
              - name: Bad-Name
              - echo
              - echo
            """
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(yaml: yaml, environment: [:], file: "x.yaml")
        }
        let keys = error?.issues.map(\.key) ?? []
        #expect(keys.contains("server.port"))
        #expect(keys.contains("server.prot"))
        #expect(keys.contains("server.log_level"))
        #expect(keys.contains("database.url"))
        #expect(keys.contains("amqp.url"))
        #expect(keys.contains("tasks.max_bulk_create"))
        #expect(keys.contains("worker.tags"))
        #expect(keys.contains("colour"))
        #expect(keys.contains("services[0].name"))
        #expect(keys.contains("services"))
        #expect(error?.issues.first { $0.key == "server.prot" }?.reason == "unknown key")
        #expect(error?.description.contains("x.yaml") == true)
    }

    @Test func aBadEnvironmentValueNamesTheVariable() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(yaml: minimal, environment: ["JOBS_SERVER_PORT": "99999"])
        }
        #expect(error?.issues.map(\.key) == ["JOBS_SERVER_PORT"])
    }

    @Test func requiredURLsAreRequired() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(yaml: "", environment: [:])
        }
        #expect(Set(error?.issues.map(\.key) ?? []) == ["database.url", "amqp.url"])
    }

    @Test func syntaxErrorsAndWrongShapesAreErrors() throws {
        #expect(throws: ConfigurationError.self) { try Configuration.parse(yaml: "server: [1, 2", environment: [:]) }
        #expect(throws: ConfigurationError.self) { try Configuration.parse(yaml: "- a\n- b", environment: [:]) }
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(yaml: minimal + "\nserver:\n  port: {a: 1}", environment: [:])
        }
        #expect(error?.issues.map(\.key) == ["server.port"])
    }

    @Test func heartbeatMustFitInsideTheLease() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(yaml: minimal, environment: ["JOBS_WORKER_LEASE_SECONDS": "5", "JOBS_WORKER_HEARTBEAT_SECONDS": "4"])
        }
        #expect(error?.issues.map(\.key) == ["worker.heartbeat_seconds"])
    }

    @Test func conninfoStringsAreAccepted() throws {
        let config = try Configuration.parse(yaml: minimal, environment: ["JOBS_DATABASE_URL": "host=127.0.0.1 port=5432 dbname=jobs"])
        #expect(config.database.url.hasPrefix("host="))
    }
}
