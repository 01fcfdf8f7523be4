// swift-tools-version:6.2
// JobServer: a job server for long-running work (see README.md and docs/architecture.md).
// Dependencies point one way: C modules -> IO and protocol modules -> domain and storage
// -> server and worker -> executables.
import PackageDescription

let package = Package(
    name: "JobServer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jobserver", targets: ["jobserver"]),
        .executable(name: "jobworker", targets: ["jobworker"]),
        .library(name: "JobWorker", targets: ["JobWorker"]),
        .library(name: "JobClient", targets: ["JobClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: C libraries (Debian -dev packages) and Linux shims
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CRabbitMQ", pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .target(name: "CLinuxShims", cSettings: [.define("_GNU_SOURCE")]),

        // MARK: IO and protocols
        .target(
            name: "PosixIO",
            dependencies: ["CLinuxShims", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "HTTP1",
            dependencies: ["PosixIO", "CLinuxShims", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", "PosixIO", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "AMQP",
            dependencies: ["CRabbitMQ", "PosixIO", .product(name: "Logging", package: "swift-log")]),

        // MARK: Domain, storage, configuration
        .target(name: "JobCore"),
        .target(name: "JobCrypto", dependencies: ["COpenSSL"]),
        .target(
            name: "JobStore",
            dependencies: ["JobCore", "JobCrypto", "Postgres", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "JobConfig",
            dependencies: ["JobCore", .product(name: "Yams", package: "Yams")]),

        // MARK: Server, worker, client
        .target(
            name: "JobServer",
            dependencies: [
                "JobCore", "JobCrypto", "JobStore", "JobConfig", "HTTP1", "AMQP", "Postgres", "PosixIO",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .target(
            name: "JobWorker",
            dependencies: [
                "JobCore", "JobStore", "JobConfig", "AMQP", "Postgres", "PosixIO", "HTTP1",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .target(name: "JobClient", dependencies: ["JobCore"]),

        // MARK: Executables: argument parsing and wiring only
        .executableTarget(
            name: "jobserver",
            dependencies: [
                "JobServer", "JobConfig", "JobStore", "JobCore", "Postgres", "AMQP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "jobworker",
            dependencies: [
                "JobWorker", "JobConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "PosixIO", "JobStore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"),
        .testTarget(name: "PosixIOTests", dependencies: ["PosixIO"]),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "PosixIO", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP", "CRabbitMQ", "TestSupport"]),
        .testTarget(name: "JobCoreTests", dependencies: ["JobCore"]),
        .testTarget(
            name: "OutboxTests",
            dependencies: ["JobServer", "JobStore", "JobCore", "JobConfig", "AMQP", "Postgres", "TestSupport"]),
        .testTarget(name: "JobConfigTests", dependencies: ["JobConfig"]),
        .testTarget(name: "JobStoreTests", dependencies: ["JobStore", "Postgres", "TestSupport"]),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["TestSupport", "Postgres"]),
        .testTarget(
            name: "AuthTests",
            dependencies: ["JobServer", "JobCrypto", "JobStore", "JobCore", "HTTP1", "Postgres", "TestSupport"]),
        .testTarget(
            name: "JobServerTests",
            dependencies: ["JobServer", "JobConfig", "JobStore", "Postgres", "TestSupport"]),
        .testTarget(
            name: "APITests",
            dependencies: [
                "JobServer", "JobStore", "JobCore", "JobCrypto", "JobConfig", "HTTP1", "Postgres", "TestSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
            ]),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "JobWorker", "JobStore", "JobServer", "JobCore", "JobCrypto", "JobConfig", "Postgres", "AMQP", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
