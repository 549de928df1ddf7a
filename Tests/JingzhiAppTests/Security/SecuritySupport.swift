import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Cases filed and moved through the API, for the access tests.
enum SecurityFixture {
    /// The first compound of 古亭社区 (the one `property_demo`'s company serves).
    static func compound(_ app: Application, community: String = "YT-GT-01") async throws -> OrgNode {
        let node = try await app.node(community)
        return try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: node.path))
            .filter(\.$kindRaw == NodeKind.compound.rawValue).sort(\.$path).first())
    }

    /// Files a case as `user` at `node` and returns its id.
    static func file(_ app: Application, _ category: String, at node: OrgNode, as user: String = "gt01_community",
                     description: String = "测试诉求") async throws -> String {
        let res = try await app.api(.POST, "/api/v1/cases", token: try await app.token(user),
                                    json: #"{"categoryCode":"\#(category)","nodeId":"\#(node.id!)","description":"\#(description)"}"#)
        #expect(res.status == .created, "\(res.text)")
        return try #require(try res.json()["id"] as? String)
    }

    @discardableResult
    static func act(_ app: Application, _ id: String, _ action: String, as user: String, _ json: String = "{}") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/cases/\(id)/actions/\(action)", token: try await app.token(user), json: json)
    }

    /// Files a case and dispatches it to a department (as 古亭社区).
    static func dispatchedToDepartment(_ app: Application, _ department: String, category: String = "sheshi") async throws -> String {
        let id = try await file(app, category, at: try await compound(app))
        try await act(app, id, "accept", as: "gt01_community").checkStatus(.ok)
        try await act(app, id, "dispatch", as: "gt01_community", #"{"level":"department","departmentCode":"\#(department)"}"#).checkStatus(.ok)
        return id
    }

    /// The numbers of the cases a user's list shows.
    static func listed(_ app: Application, as user: String) async throws -> [String] {
        let res = try await app.api(.GET, "/api/v1/cases?per=100", token: try await app.token(user))
        #expect(res.status == .ok)
        return ((try res.json()["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }
}

