import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// What the API answers agrees with what `/openapi.json` says it answers: required properties are present, nulls
/// only where the document allows them, types and integer bounds as declared.
@Suite struct ResponseSchemaTests {
    /// The few JSON Schema words our document uses: type, nullable, required, properties, items, $ref, allOf, bounds.
    struct Checker {
        let schemas: [String: Any]

        func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
            if let ref = schema["$ref"] as? String {
                guard let target = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] else { return ["\(path): unknown \(ref)"] }
                return problems(value, target, at: path)
            }
            if value is NSNull { return schema["nullable"] as? Bool == true ? [] : ["\(path): null where the document allows none"] }
            if let all = schema["allOf"] as? [[String: Any]] { return all.flatMap { problems(value, $0, at: path) } }
            var out: [String] = []
            switch schema["type"] as? String {
            case "object":
                guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
                for key in schema["required"] as? [String] ?? [] where object[key] == nil { out.append("\(path).\(key): required but absent") }
                let props = schema["properties"] as? [String: Any] ?? [:]
                for (key, v) in object { if let p = props[key] as? [String: Any] { out += problems(v, p, at: "\(path).\(key)") } }
            case "array":
                guard let array = value as? [Any] else { return ["\(path): not an array"] }
                if let items = schema["items"] as? [String: Any] {
                    for (i, v) in array.enumerated() { out += problems(v, items, at: "\(path)[\(i)]") }
                }
            case "string": if !(value is String) { out.append("\(path): not a string") }
            case "boolean": if !(value is Bool) { out.append("\(path): not a boolean") }
            case "integer", "number":
                guard let n = (value as? NSNumber)?.doubleValue ?? (value as? Int).map(Double.init) else { return ["\(path): not a number"] }
                func bound(_ key: String) -> Double? { (schema[key] as? NSNumber)?.doubleValue ?? (schema[key] as? Int).map(Double.init) }
                if let min = bound("minimum"), n < min { out.append("\(path): below \(min)") }
                if let max = bound("maximum"), n > max { out.append("\(path): above \(max)") }
            default: break
            }
            return out
        }
    }

    func checker(_ app: Application) async throws -> Checker {
        let doc = try await app.api(.GET, "/openapi.json", token: nil).json()
        return Checker(schemas: try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: Any]))
    }

    func check(_ app: Application, _ checker: Checker, _ path: String, as user: String, schema: String,
               sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let res = try await app.api(.GET, path, token: try await app.token(user))
        #expect(res.status == .ok, "\(path): \(res.status)", sourceLocation: sourceLocation)
        let value = try JSONSerialization.jsonObject(with: Data(res.text.utf8), options: [.fragmentsAllowed])
        let found = checker.problems(value, ["$ref": "#/components/schemas/\(schema)"])
        #expect(found.isEmpty, "\(path) as \(user): \(found.prefix(5))", sourceLocation: sourceLocation)
    }

    @Test func listsPagesAndMeasuresMatchTheirSchemas() async throws {
        try await withDemoApp { app in
            // setup: a case (lists carry no history), a resident without a phone, measures of the whole tree (node null)
            let compound = try await SecurityFixture.compound(app)
            let id = try await SecurityFixture.file(app, "huanjing", at: compound)
            let resident = try await app.resident(under: "YT-GT-01")
            resident.phone = nil
            try await resident.save(on: app.db)
            let c = try await checker(app)
            // act + check
            try await check(app, c, "/api/v1/cases", as: "admin", schema: "PagedCases")
            try await check(app, c, "/api/v1/cases/\(id)", as: "gt01_community", schema: "Case")
            try await check(app, c, "/api/v1/residents?per=100", as: "gt01_community", schema: "PagedResidents")
            try await check(app, c, "/api/v1/residents/\(resident.id!)", as: "gt01_grid", schema: "Resident")
            try await check(app, c, "/api/v1/measures/cases", as: "admin", schema: "CaseMeasures")
            try await check(app, c, "/api/v1/measures/cases/breakdown?by=street", as: "admin", schema: "CaseMeasuresBreakdown")
            try await check(app, c, "/api/v1/users", as: "admin", schema: "PagedUsers")
            try await check(app, c, "/api/v1/me", as: "resident_demo", schema: "User")
        }
    }

    @Test func theCheckerSeesAMismatch() throws {
        let c = Checker(schemas: ["T": ["type": "object", "required": ["a"], "properties": ["a": ["type": "integer", "maximum": 5], "b": ["type": "string"]]]])
        #expect(c.problems(["a": 3], ["$ref": "#/components/schemas/T"]).isEmpty)
        #expect(c.problems(["b": "x"], ["$ref": "#/components/schemas/T"]) == ["$.a: required but absent"])
        #expect(c.problems(["a": 9], ["$ref": "#/components/schemas/T"]) == ["$.a: above 5.0"])
        #expect(c.problems(["a": 1, "b": NSNull()], ["$ref": "#/components/schemas/T"]) == ["$.b: null where the document allows none"])
    }
}
