import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// `/openapi.json` describes the API as it is: every `/api/v1` route with its method, and nothing that is not a route.
@Suite struct OpenAPIDocumentTests {
    struct Operation: Hashable, Comparable, CustomStringConvertible {
        let method: String
        let path: String
        var description: String { "\(method.uppercased()) \(path)" }
        static func < (a: Self, b: Self) -> Bool { (a.path, a.method) < (b.path, b.method) }
    }

    /// The registered routes, written the OpenAPI way: `/api/v1/org/nodes/{id}`, lower-case method.
    static func routes(_ app: Application) -> Set<Operation> {
        Set(app.routes.all.map { route in
            let path = route.path.map { component -> String in
                switch component {
                case .constant(let s): s
                case .parameter(let name): "{\(name)}"
                case .anything: "*"
                case .catchall: "**"
                }
            }.joined(separator: "/")
            return Operation(method: route.method.rawValue.lowercased(), path: "/" + path)
        })
    }

    static func documented(_ app: Application) async throws -> (document: [String: Any], operations: Set<Operation>) {
        let res = try await app.api(.GET, "/openapi.json", token: nil)
        #expect(res.status == .ok)
        #expect(res.headers.contentType?.subType == "json")
        let document = try res.json()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations: Set<Operation> = []
        for (path, methods) in paths {
            for method in methods.keys { operations.insert(Operation(method: method, path: path)) }
        }
        return (document, operations)
    }

    @Test func documentIsOpenAPI3AndPublic() async throws {
        try await withTestApp { app in
            // act
            let (document, operations) = try await Self.documented(app)
            // check
            let version = try #require(document["openapi"] as? String)
            #expect(version.hasPrefix("3."))
            #expect((document["info"] as? [String: Any])?["title"] != nil)
            #expect(!operations.isEmpty)
        }
    }

    @Test func everyParameterHasATypeOpenAPIKnows() async throws {
        try await withTestApp { app in
            // act
            let (document, _) = try await Self.documented(app)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var wrong: [String] = []
            for (path, methods) in paths {
                for (method, raw) in methods {
                    for p in ((raw as? [String: Any])?["parameters"] as? [[String: Any]]) ?? [] {
                        let type = (p["schema"] as? [String: Any])?["type"] as? String ?? "?"
                        if !["string", "integer", "number", "boolean", "array"].contains(type) { wrong.append("\(method) \(path) \(p["name"] ?? ""): \(type)") }
                    }
                }
            }
            // check: a type like "uuid" is not JSON Schema (a client generator or schemathesis stops on it)
            #expect(wrong.isEmpty, "\(wrong)")
        }
    }

    @Test func everyAPIRouteIsDocumentedWithItsMethod() async throws {
        try await withTestApp { app in
            // setup
            let api = Self.routes(app).filter { $0.path.hasPrefix("/api/v1") }
            // act
            let (_, documented) = try await Self.documented(app)
            // check
            #expect(api.count > 20)
            let missing = api.subtracting(documented).sorted()
            #expect(missing.isEmpty, "routes missing from /openapi.json: \(missing)")
        }
    }

    @Test func everyDocumentedOperationIsARealRoute() async throws {
        try await withTestApp { app in
            // setup
            let routes = Self.routes(app)
            // act
            let (_, documented) = try await Self.documented(app)
            // check
            let phantom = documented.subtracting(routes).sorted()
            #expect(phantom.isEmpty, "documented but not served: \(phantom)")
        }
    }

    @Test func pathParametersAreDeclaredAndOperationIdsAreUnique() async throws {
        try await withTestApp { app in
            // act
            let (document, _) = try await Self.documented(app)
            // check
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var ids: [String] = []
            for (path, methods) in paths {
                let placeholders = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
                for (method, raw) in methods {
                    let op = try #require(raw as? [String: Any], "\(method) \(path)")
                    if let id = op["operationId"] as? String { ids.append(id) }
                    let declared = Set((op["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                    #expect(declared == placeholders, "\(method) \(path)")
                    #expect(op["responses"] != nil, "\(method) \(path)")
                }
            }
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test func referencedSchemasExist() async throws {
        try await withTestApp { app in
            // act
            let res = try await app.api(.GET, "/openapi.json", token: nil)
            let document = try res.json()
            // check
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            var refs: Set<String> = []
            func walk(_ value: Any) {
                if let object = value as? [String: Any] {
                    if let ref = object["$ref"] as? String { refs.insert(String(ref.split(separator: "/").last ?? "")) }
                    object.values.forEach(walk)
                } else if let array = value as? [Any] {
                    array.forEach(walk)
                }
            }
            walk(document)
            #expect(!refs.isEmpty)
            let dangling = refs.subtracting(schemas.keys).sorted()
            #expect(dangling.isEmpty, "\(dangling)")
        }
    }
}
