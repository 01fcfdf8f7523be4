// swift-tools-version:6.2
// JSON parser micro-benchmark: parses a typical create_task body many times and prints the
// nanoseconds per parse. Not part of the product build; run scripts/bench-json.sh.
// Sources/JobCore is a symlink to the product's own sources.
import PackageDescription

let package = Package(
    name: "JSONBenchmarks",
    targets: [
        .target(name: "JobCore"),
        .executableTarget(name: "JSONBench", dependencies: ["JobCore"]),
    ],
    swiftLanguageModes: [.v6]
)
