import JobWorker

// The whole worker executable: build a registry, register the functions, run. `WorkerMain`
// gives it the command line: `run [--services a,b] [--tags t1,t2] [--concurrency N]` and
// `run-local SERVICE 'JSON'`, each with `--config FILE` and `--help`.
var registry = TaskRegistry()
do {
    try ExampleTasks.register(into: &registry)
} catch {
    // A registration mistake (bad name, duplicate, bad options) stops the worker at start-up.
    fatalError("cannot register task functions: \(error)")
}
await WorkerMain.run(registry, name: "example-worker")
