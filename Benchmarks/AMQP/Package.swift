// swift-tools-version:6.2
// AMQP benchmark: publish with confirms through our `AMQP` module, against the plain C loop in
// c/bench-amqp.c (same message size, persistence and confirm window). Not part of the product
// build; run scripts/bench-amqp.sh. Sources/{AMQP,CRabbitMQ} are symlinks to the product's own
// sources (the root package exports no AMQP library product), as Benchmarks/HTTP does.
import PackageDescription

let package = Package(
    name: "AMQPBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
        .target(name: "AMQP", dependencies: ["CRabbitMQ", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(
            name: "AMQPBench",
            dependencies: ["AMQP", .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v6]
)
