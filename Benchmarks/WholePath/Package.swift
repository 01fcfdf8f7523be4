// swift-tools-version:6.2
// Whole-path benchmark: a load generator that creates no-op tasks through the HTTP API (with
// auth), waits until they are final and reads the latencies from the database timestamps.
// Not part of the product build; run scripts/bench-whole.sh.
// Sources/{CLinuxShims,PosixIO,CLibPQ,Postgres,COpenSSL,JobCrypto} are symlinks to the
// product's own sources.
import PackageDescription

let package = Package(
    name: "WholePathBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CLinuxShims", cSettings: [.define("_GNU_SOURCE")]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "PosixIO", dependencies: ["CLinuxShims", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Postgres", dependencies: ["CLibPQ", "PosixIO", .product(name: "Logging", package: "swift-log")]),
        .target(name: "JobCrypto", dependencies: ["COpenSSL"]),
        .executableTarget(
            name: "WholePathLoad",
            dependencies: ["Postgres", "JobCrypto", .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v6]
)
