import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/measures/cases`: the case measures of a subtree and period (definitions on `CaseMeasures`),
/// and the same measures per street, community, grid, category or month.
enum CaseMeasuresAPI {
    static func register(_ api: any RoutesBuilder) {
        let measures = api.grouped("measures", "cases")
        measures.get(use: show)
        measures.get("breakdown", use: breakdown)
    }

    @Sendable static func show(req: Request) async throws -> CaseMeasures {
        try await CaseMeasuresService(req: req).measures(try await query(req))
    }

    @Sendable static func breakdown(req: Request) async throws -> CaseMeasuresBreakdown {
        let q = try await query(req)
        guard let raw = try req.query.get(String?.self, at: "by"), !raw.isEmpty else { throw APIError.missing("by") }
        guard let by = CaseMeasuresGrouping(rawValue: raw) else {
            throw APIError.invalid("by", "分组须为 \(CaseMeasuresGrouping.allCases.map(\.rawValue).joined(separator: "、")) (unknown grouping)")
        }
        return try await CaseMeasuresService(req: req).breakdown(q, by: by)
    }

    /// Reads `node`, `from`, `to`, `category`, `department`. Staff only; the node must lie inside the caller's scope
    /// (the same 404 as a missing node) and defaults to the scope's root.
    static func query(_ req: Request) async throws -> CaseMeasuresQuery {
        let actor = try req.requireActor()
        // Measures count the cases an account may read: tree staff their area's, a department those it handles. A
        // property company's own figures are its scoring; partners and residents have none.
        guard CaseAccess.treeRoles.contains(actor.role) || actor.role == .departmentStaff else { throw APIError.forbidden }
        var q = CaseMeasuresQuery()
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty {
            q.node = try await OrgService(req: req).node(raw, within: actor.scope, field: "node")
        } else if !actor.scope.rootPath.isEmpty {
            // A staff account without a node sees nothing, so has nothing to measure.
            guard let root = try await OrgNode.query(on: req.db).filter(\.$path == actor.scope.rootPath).first() else { throw APIError.forbidden }
            q.node = root
        }
        for key in ["from", "to"] {
            guard let raw = try req.query.get(String?.self, at: key), !raw.isEmpty else { continue }
            let day = ShanghaiTime.format(try ShanghaiTime.dayStart(raw, field: key), "yyyy-MM-dd")
            if key == "from" { q.from = day } else { q.to = day }
        }
        if let code = try req.query.get(String?.self, at: "category"), !code.isEmpty {
            guard let category = try await CaseCategory.query(on: req.db).filter(\.$code == code).first() else {
                throw APIError.invalid("category", "未知诉求类别 \(code) (unknown category)")
            }
            q.category = category
        }
        if let raw = try req.query.get(String?.self, at: "department"), !raw.isEmpty {
            var department: Department?
            if let id = UUID(uuidString: raw) { department = try await Department.find(id, on: req.db) }
            if department == nil { department = try await Department.query(on: req.db).filter(\.$code == raw).first() }
            guard let department else { throw APIError.invalid("department", "未知部门 \(raw) (unknown department)") }
            q.department = department
        }
        if actor.role == .departmentStaff {
            guard let own = actor.departmentID, let department = try await Department.find(own, on: req.db) else { throw APIError.forbidden }
            guard q.department == nil || q.department?.id == own else {
                throw APIError(.forbidden, code: "forbidden", "只能查看本部门承办的诉求 (only your department's cases)")
            }
            q.department = department
        }
        return q
    }
}

extension OpenAPIDocument {
    static let caseMeasuresFilters: [(String, String, String)] = [
        ("node", "string", "Subtree (id or code), inside your scope; default: your scope"),
        ("from", "string", "First creation day, YYYY-MM-DD (Asia/Shanghai), inclusive"),
        ("to", "string", "Last creation day, YYYY-MM-DD (Asia/Shanghai), inclusive"),
        ("category", "string", "Category code; its subcategories are included"),
        ("department", "string", "Handling department (code or id)"),
    ]

    /// The measures' schemas; rates and hours are nullable numbers, which `object` does not spell.
    static var caseMeasuresSchemas: [String: Any] {
        var measures = object(["period": "CaseMeasuresPeriod", "filters": "CaseMeasuresFilters", "group": "CaseMeasuresGroup",
                               "asOf": "date-time", "counts": "CaseMeasuresCounts", "basis": "CaseMeasuresBasis"],
                              required: ["period", "filters", "asOf", "responseRate", "resolutionRate", "satisfactionRate", "onTimeRate",
                                         "gridClosureShare", "communityClosureShare", "counts", "basis"])
        var props = measures["properties"] as! [String: Any]
        for key in ["responseRate", "resolutionRate", "satisfactionRate", "onTimeRate", "gridClosureShare", "communityClosureShare"] {
            props[key] = ["type": "number", "nullable": true, "minimum": 0, "maximum": 1] as [String: Any]
        }
        for key in ["medianHoursToRespond", "p90HoursToRespond", "medianHoursToResolve", "p90HoursToResolve"] {
            props[key] = ["type": "number", "nullable": true] as [String: Any]
        }
        measures["properties"] = props
        let fraction = "CaseMeasuresFraction"
        return [
            "CaseMeasures": measures,
            "CaseMeasuresBreakdown": object(["by": "string", "period": "CaseMeasuresPeriod", "filters": "CaseMeasuresFilters",
                                             "asOf": "date-time", "rows": "[CaseMeasures]"], required: ["by", "period", "filters", "asOf", "rows"]),
            "CaseMeasuresPeriod": object(["from": "string?", "to": "string?"]),
            "CaseMeasuresNode": object(["id": "uuid", "code": "string", "name": "string", "kind": "string"]),
            "CaseMeasuresFilters": nullableRefs(object(["node": "CaseMeasuresNode", "category": "string?", "department": "string?"]), ["node"]),
            "CaseMeasuresGroup": object(["by": "string", "key": "string", "name": "string", "nodeId": "uuid?"], required: ["by", "key", "name"]),
            fraction: object(["numerator": "integer", "denominator": "integer"], required: ["numerator", "denominator"]),
            "CaseMeasuresBasis": object(["response": fraction, "resolution": fraction, "satisfaction": fraction, "onTime": fraction,
                                         "gridClosure": fraction, "communityClosure": fraction]),
            "CaseMeasuresCounts": ["type": "object", "required": ["total", "byState"],
                                   "properties": ["total": ["type": "integer"],
                                                  "byState": ["type": "object", "additionalProperties": ["type": "integer"]] as [String: Any]]] as [String: Any],
        ]
    }
}
