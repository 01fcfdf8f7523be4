// swift-tools-version:6.2
// HTTP benchmark: our HTTP1 server against a Hummingbird 2 hello-world, both answering
// `GET /health` with {"status":"ok"}. Not part of the product build; run scripts/bench-http.sh.
// Sources/{CLinuxShims,PosixIO,HTTP1} are symlinks to the product's own sources.
import PackageDescription

let package = Package(
    name: "HTTPBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
    ],
    targets: [
        .target(name: "CLinuxShims", cSettings: [.define("_GNU_SOURCE")]),
        .target(name: "PosixIO", dependencies: ["CLinuxShims", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "HTTP1",
            dependencies: ["PosixIO", "CLinuxShims", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(
            name: "HTTPBenchOurs",
            dependencies: ["HTTP1", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(
            name: "HTTPBenchHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
    ],
    swiftLanguageModes: [.v6]
)
