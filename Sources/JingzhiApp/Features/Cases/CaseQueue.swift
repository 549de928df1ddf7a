import Fluent
import FluentSQL
import Foundation
import JingzhiCore
import SQLKit

/// The staff's work queues on the case list (the tabs of /cases and `queue=` of /api/v1/cases): what each one
/// holds and in which order, decided here once.
enum CaseQueue: String, CaseIterable, Sendable {
    /// New requests in my area, and cases dispatched or escalated to my unit that nobody has started.
    case toAccept = "to_accept"
    /// Open cases my unit handles, most urgent first.
    case mine
    /// Answered, waiting for the resident's rating (or the dispatcher's closing).
    case toRate = "to_rate"
    /// Closed, merged or rejected.
    case done

    var zh: String {
        switch self {
        case .toAccept: "待受理"
        case .mine: "我的待办"
        case .toRate: "待评价"
        case .done: "已办结"
        }
    }

    var en: String {
        switch self {
        case .toAccept: "To accept"
        case .mine: "My to-dos"
        case .toRate: "Awaiting rating"
        case .done: "Closed"
        }
    }

    static let finished: [CaseState] = [.closed, .merged, .rejected]
    /// States in which a case sits with its unit until someone there takes it up.
    static let waitingForUnit: [CaseState] = [.dispatched, .escalated]

    /// Only staff who handle cases have queues; residents and partners see their own requests.
    static func available(to actor: Actor) -> Bool { CaseMachine.handlers.contains(actor.role) }

    /// The cases of this queue for `actor`, sorted: new first to accept, the nearest deadline first to do
    /// (overdue ones have passed theirs, so they come first), the latest first when answered or done.
    func query(_ q: QueryBuilder<Case>, unit: CaseUnit) -> QueryBuilder<Case> {
        filter(q, unit: unit)
        switch self {
        case .toAccept:
            return q.sort(\.$createdAt, .descending).sort(\.$number, .descending)
        case .mine:
            return q.sort(.sql(unsafeRaw: "CASE WHEN \"cases\".\"resolution_due_at\" IS NULL THEN 1 ELSE 0 END"))
                .sort(\.$resolutionDueAt).sort(\.$createdAt)
        case .toRate:
            return q.sort(\.$repliedAt, .descending).sort(\.$createdAt, .descending)
        case .done:
            return q.sort(\.$updatedAt, .descending).sort(\.$createdAt, .descending)
        }
    }

    /// Adds this queue's condition to `q` (already limited to what the actor may read).
    @discardableResult
    func filter(_ q: QueryBuilder<Case>, unit: CaseUnit) -> QueryBuilder<Case> {
        switch self {
        case .toAccept:
            // Dispatchers and grid workers see every new request of their area; dispatchers also what came back to them.
            let fresh: [CaseState] = CaseMachine.dispatchers.contains(unit.actor.role) ? [.submitted, .returned]
                : unit.actor.role == .gridWorker ? [.submitted] : []
            return q.group(.or) { or in
                if !fresh.isEmpty { or.filter(\.$stateRaw ~~ fresh.map(\.rawValue)) }
                or.group(.and) { and in
                    and.filter(\.$stateRaw ~~ Self.waitingForUnit.map(\.rawValue))
                    unit.handles(and)
                }
            }
        case .mine:
            q.filter(\.$stateRaw !~ (Self.finished + Self.waitingForUnit + [.replied, .submitted]).map(\.rawValue))
            return unit.handles(q)
        case .toRate:
            return q.filter(\.$stateRaw == CaseState.replied.rawValue)
        case .done:
            return q.filter(\.$stateRaw ~~ Self.finished.map(\.rawValue))
        }
    }
}

/// The unit an actor works for, as a condition on a case's current handler ("本单位").
struct CaseUnit: Sendable {
    let actor: Actor
    /// The grids a grid worker is assigned to.
    let grids: [UUID]

    static func of(_ actor: Actor, on db: any Database) async throws -> CaseUnit {
        let grids = actor.role == .gridWorker
            ? try await GridWorker.query(on: db).filter(\.$userID == actor.userID).all().map(\.gridID) : []
        return CaseUnit(actor: actor, grids: grids)
    }

    /// Restricts `q` to the cases whose current handler is this unit.
    @discardableResult
    func handles(_ q: QueryBuilder<Case>) -> QueryBuilder<Case> {
        switch actor.role {
        case .departmentStaff:
            guard let d = actor.departmentID else { return q.filter(.sql(unsafeRaw: "1 = 0")) }
            return q.filter(\.$handlerDepartmentID == d)
        case .propertyStaff:
            // The compound's property company: the handling node lies in one of the company's compounds.
            return q.filter(\.$handlerLevelRaw == HandlerLevel.property.rawValue).filter(.sql(embed: """
                \(ident: Case.schema).\(ident: "handler_node_id") IN (SELECT \(ident: "id") FROM \(ident: OrgNode.schema) \
                WHERE \(actor.scope.sqlCondition(column: "path")))
                """))
        case .gridWorker:
            let nodes = grids + (actor.user.nodeID.map { [$0] } ?? [])
            return q.filter(\.$handlerNodeID ~~ nodes).filter(\.$handlerLevelRaw != HandlerLevel.property.rawValue)
        case .communityStaff, .streetStaff, .admin:
            // An admin of the whole tree has no unit of their own: every case is theirs.
            guard let node = actor.user.nodeID else { return actor.role == .admin ? q : q.filter(.sql(unsafeRaw: "1 = 0")) }
            return q.filter(\.$handlerNodeID == node).filter(\.$handlerDepartmentID == nil)
                .filter(\.$handlerLevelRaw != HandlerLevel.property.rawValue)
        case .partner, .resident:
            return q.filter(.sql(unsafeRaw: "1 = 0"))
        }
    }
}

/// The search and filters of the case list, read from the query string (shared by the page and the API).
struct CaseFilters: Sendable {
    var text = ""
    var category = ""
    var channel = ""
    var handler = ""
    var from = ""
    var to = ""
    /// Only cases accepted without a place the tree knows (Open311 address-only requests): 地点待核实.
    var unplaced = false

    static let channels = ["web", "qr", "hotline", "patrol", "device", "deliberation", "open311", "api"]

    init() {}

    init(query: (String) throws -> String?) throws {
        text = String((try query("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        category = try query("category") ?? ""
        channel = try query("channel") ?? ""
        handler = try query("handler") ?? ""
        from = try query("from") ?? ""
        to = try query("to") ?? ""
        unplaced = ["1", "true", "on"].contains(try query("unplaced") ?? "")
        if !handler.isEmpty, HandlerLevel(rawValue: handler) == nil, Self.unit(handler) == nil {
            throw APIError.invalid("handler", "承办单位应为层级、dept:部门编码 或 node:节点 (unknown handling unit)")
        }
        if !from.isEmpty { _ = try ShanghaiTime.dayStart(from, field: "from") }
        if !to.isEmpty { _ = try ShanghaiTime.dayStart(to, field: "to") }
    }

    /// A named handling unit: `dept:<code>` (a department) or `node:<id>` (a street, community or grid).
    enum Unit { case department(String), node(UUID) }

    static func unit(_ raw: String) -> Unit? {
        if raw.hasPrefix("dept:"), raw.count > 5, raw.count <= 40 { return .department(String(raw.dropFirst(5))) }
        if raw.hasPrefix("node:"), let id = UUID(uuidString: String(raw.dropFirst(5))) { return .node(id) }
        return nil
    }

    /// The parameters to carry over into tab, pager and form links.
    var params: [(String, String)] {
        [("q", text), ("category", category), ("channel", channel), ("handler", handler), ("from", from), ("to", to), ("unplaced", unplaced ? "1" : "")]
    }

    var isEmpty: Bool { params.allSatisfy { $0.1.isEmpty } }

    /// Adds the filters to `q`: the words match the number, the place's name, the caller's phone or the description.
    @discardableResult
    func apply(_ q: QueryBuilder<Case>) throws -> QueryBuilder<Case> {
        if !category.isEmpty { q.filter(\.$categoryCode == category) }
        if !channel.isEmpty { q.filter(\.$channel == channel) }
        if unplaced { q.filter(\.$description ~~ "【地点待核实】") }
        if HandlerLevel(rawValue: handler) != nil { q.filter(\.$handlerLevelRaw == handler) }
        switch Self.unit(handler) {
        case .department(let code)?:
            q.filter(.sql(embed: """
                \(ident: Case.schema).\(ident: "handler_department_id") IN (SELECT \(ident: "id") FROM \(ident: Department.schema) WHERE \(ident: "code") = \(bind: code))
                """))
        case .node(let id)?:
            q.filter(\.$handlerNodeID == id).filter(\.$handlerDepartmentID == nil).filter(\.$handlerLevelRaw != HandlerLevel.property.rawValue)
        case nil: break
        }
        if !from.isEmpty { q.filter(\.$createdAt >= (try ShanghaiTime.dayStart(from, field: "from"))) }
        if !to.isEmpty { q.filter(\.$createdAt < (try ShanghaiTime.dayStart(ShanghaiTime.add(1, to: to), field: "to"))) }
        if !text.isEmpty {
            let like = "%" + text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            q.group(.or) { or in
                or.filter(\.$number ~~ text.uppercased())
                or.filter(\.$description ~~ text)
                or.filter(.sql(embed: """
                    \(ident: Case.schema).\(ident: "node_id") IN (SELECT \(ident: "id") FROM \(ident: OrgNode.schema) WHERE \(ident: "name") LIKE \(bind: like))
                    """))
                // A phone is found whole, never by a fragment: the list is not a way to guess numbers.
                if text.allSatisfy(\.isNumber), text.count == 11 { or.filter(\.$reporterPhone == text) }
            }
        }
        return q
    }
}
