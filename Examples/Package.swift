// swift-tools-version:6.2
// An example of a custom worker executable: two typed task functions registered with the
// JobWorker library of the parent package. Walked through in ../docs/writing-task-functions.md.
//
//   swift build --package-path Examples --scratch-path Examples/.build-examples
//   Examples/.build-examples/debug/example-worker run-local word_count '{"text":"a b c"}'
import PackageDescription

let package = Package(
    name: "Examples",
    platforms: [.macOS(.v15)],
    dependencies: [
        // In your own repository: .package(url: "https://.../JobServer.git", from: "1.0.0")
        .package(name: "JobServer", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "example-worker",
            dependencies: [.product(name: "JobWorker", package: "JobServer")],
            path: "Sources/ExampleWorker"),
    ],
    swiftLanguageModes: [.v6]
)
