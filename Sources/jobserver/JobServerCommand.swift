import ArgumentParser

/// `jobserver`: the HTTP API server and its admin subcommands.
@main
struct JobServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobserver",
        abstract: "The JobServer HTTP API server and its admin commands.",
        discussion: """
            Configuration comes from --config FILE, else $JOBS_CONFIG, else conf/jobserver.yaml; \
            every key can be overridden as JOBS_<SECTION>_<KEY> in the environment.
            """,
        subcommands: [ServeCommand.self, MigrateCommand.self, CheckConfigCommand.self, KeygenCommand.self, UserCommand.self])
}
