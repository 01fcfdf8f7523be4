@testable import AMQP
import Testing

@Suite("AMQPConfiguration(url:)")
struct AMQPConfigurationTests {
    @Test("full URL with options")
    func full() throws {
        let c = try AMQPConfiguration(url: "amqp://us%40er:p%3Ass@mq.example:5673/prod%2fa?heartbeat=5&frame_max=8192&channel_max=64&connection_timeout=2.5&name=relay")
        #expect(c.user == "us@er")
        #expect(c.password == "p:ss")
        #expect(c.host == "mq.example")
        #expect(c.port == 5673)
        #expect(c.vhost == "prod/a")
        #expect(c.heartbeat == 5)
        #expect(c.frameMax == 8192)
        #expect(c.channelMax == 64)
        #expect(c.connectionTimeout == 2.5)
        #expect(c.connectionName == "relay")
        #expect(c.tls == nil)
    }

    @Test("defaults, root vhost, %2f vhost", arguments: [
        ("amqp://localhost", "/"), ("amqp://guest:guest@127.0.0.1:5672/", "/"), ("amqp://h/%2f", "/"),
        ("amqp://h/%2F", "/"), ("amqp://h/jobs", "jobs"),
    ])
    func vhost(url: String, vhost: String) throws {
        let c = try AMQPConfiguration(url: url)
        #expect(c.vhost == vhost)
        #expect(c.user == "guest")
        #expect(c.port == 5672)
    }

    @Test("amqps turns on TLS with peer verification and takes a CA file")
    func tls() throws {
        let c = try AMQPConfiguration(url: "amqps://u:p@[::1]/?cacertfile=/etc/ca.pem")
        #expect(c.port == 5671)
        #expect(c.host == "::1")
        #expect(c.tls == AMQPConfiguration.TLS(verifyPeer: true, caFile: "/etc/ca.pem"))
        #expect(c.endpoint == "[::1]:5671")
        let unverified = try AMQPConfiguration(url: "amqps://h?verify=verify_none")
        #expect(unverified.tls?.verifyPeer == false)
    }

    @Test("bad URLs are rejected without echoing the password", arguments: [
        "http://u:secret@h/", "amqp://u:secret@h:99999/", "amqp://u:secret@h/?heartbeat=x",
        "amqp://u:secret@h/?bogus=1", "amqp://u:secret@h/a/b", "amqp://u:secret@h/?cacertfile=/x",
        "amqp://u:sec%zzret@h/", "u:secret@h",
    ])
    func rejected(url: String) {
        do {
            _ = try AMQPConfiguration(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(!error.description.contains("secret"))
            #expect(!error.description.contains("sec"))
        }
    }

    @Test("the description hides the password")
    func description() throws {
        let c = try AMQPConfiguration(url: "amqp://app:hunter2@h/")
        #expect(!c.description.contains("hunter2"))
        #expect(!"\(c)".contains("hunter2"))
    }
}
