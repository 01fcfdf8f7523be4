// Our server answering GET /health with {"status":"ok"}.
// Usage: HTTPBenchOurs PORT [EVENT_LOOP_THREADS]
import HTTP1
import Logging

let arguments = CommandLine.arguments
let port = arguments.count > 1 ? UInt16(arguments[1]) ?? 8080 : 8080
let threads = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
let body = Array(#"{"status":"ok"}"#.utf8)

var router = Router()
router.on(.get, "/health") { _ in .json(bytes: body) }
var configuration = HTTPServerConfiguration()
configuration.port = port
configuration.eventLoopThreads = threads
configuration.maxConnections = 20_000
var logger = Logger(label: "bench")
logger.logLevel = .warning  // no access log, as the Hummingbird peer has no request logging
let server = try HTTPServer(configuration: configuration, router: router, logger: logger)
print("listening on \(server.port)")
try await server.run()
