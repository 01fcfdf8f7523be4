import Foundation
import HTTP1
import JobConfig

extension HTTPServerConfiguration {
    /// The HTTP server's settings from the `server:` section.
    public init(_ config: ServerConfig) {
        self.init()
        host = config.host
        port = UInt16(config.port)
        eventLoopThreads = config.threads > 0 ? config.threads : ProcessInfo.processInfo.activeProcessorCount
        maxConnections = config.maxConnections
        limits.maxBodyBytes = config.maxBodyBytes
        limits.maxHeaderBytes = config.maxHeaderBytes
        limits.maxHeaderCount = config.maxHeaderCount
        limits.maxTargetBytes = config.maxURIBytes
        headerTimeout = .seconds(config.headerTimeout)
        bodyTimeout = .seconds(config.bodyTimeout)
        idleTimeout = .seconds(config.idleTimeout)
        shutdownGracePeriod = .seconds(config.shutdownGrace)
    }
}
