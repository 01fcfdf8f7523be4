import Foundation
import HTTP1
import Postgres
import TestSupport
import Testing
import Yams

@testable import JobServer

/// docs/openapi.yaml parses, and documents exactly the routes the server has, with their methods.
@Suite struct OpenAPITests {
    /// Routes outside `APIRoutes.table`, registered by `ServerApplication` (HealthRoute,
    /// MetricsRoute). A new non-API route must be added here and to the document.
    static let otherRoutes: [String: String] = ["/health": "get", "/metrics": "get"]

    static func document() throws -> [String: Any] {
        let url = TestPostgres.packageRoot.appendingPathComponent("docs/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    @Test func documentParsesAsOpenAPI31() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: Any])
        #expect(Set(schemes.keys) == ["signature", "timestamp"])
    }

    @Test func pathsAndMethodsMatchTheRouter() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        var expected = Dictionary(uniqueKeysWithValues: APIRoutes.paths.map { ($0, "post") })
        expected.merge(Self.otherRoutes) { $1 }
        #expect(Set(paths.keys) == Set(expected.keys))
        for (path, item) in paths {
            let methods = Set((item as? [String: Any])?.keys.filter { ["get", "post", "put", "delete", "patch", "head"].contains($0) } ?? [])
            #expect(methods == [expected[path] ?? "?"], "\(path)")
        }
        // The router built as ServerApplication builds it answers each documented method.
        var router = Router()
        APIRoutes.register(on: &router, context: try Self.unusedContext())
        for path in APIRoutes.paths {
            #expect(router.allowedMethods(for: path) == [.post], "\(path)")
        }
    }

    /// Every reference in the document resolves.
    @Test func referencesResolve() throws {
        let document = try Self.document()
        var references: [String] = []
        func collect(_ node: Any) {
            if let map = node as? [String: Any] {
                if let ref = map["$ref"] as? String { references.append(ref) }
                map.values.forEach(collect)
            } else if let list = node as? [Any] {
                list.forEach(collect)
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in Set(references) {
            var node: Any? = document
            for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
            #expect(node != nil, "unresolved \(reference)")
        }
    }

    /// A context for registering routes only (no request reaches it).
    static func unusedContext() throws -> APIContext {
        // Opens connections on demand only: never here.
        let pool = PostgresPool(configuration: try PostgresConfiguration("postgresql://unused@127.0.0.1:1/unused"), logger: APITestServer.logger)
        let key = try SecretKey(validating: [UInt8](repeating: 1, count: 32))
        return APIContext(
            store: .init(pool: pool), configuration: .init(),
            services: ServiceCatalog(configured: [], workers: .init(pool: pool)),
            authenticator: Authenticator(secrets: UserSecrets(store: .init(pool: pool), key: key, logger: APITestServer.logger), logger: APITestServer.logger),
            logger: APITestServer.logger)
    }
}
