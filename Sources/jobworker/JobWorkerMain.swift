import JobWorker

/// The shipped `jobworker`: the worker daemon with the built-in demo services.
@main
struct JobWorkerMain {
    static func main() async {
        var registry = TaskRegistry()
        do {
            try DemoServices.register(into: &registry)
        } catch {
            fatalError("demo services: \(error)")
        }
        await WorkerMain.run(registry)
    }
}
