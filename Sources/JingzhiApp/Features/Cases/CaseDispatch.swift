import Fluent
import JingzhiCore
import Vapor

/// Dispatch to a named unit, and the deadline a dispatcher may shorten.
extension CaseService {
    /// Points the case at one unit of the tree the dispatcher chose: a grid, community or street, or a compound (its
    /// property company). The unit must be on the case's own place (its grid, community, street, compound) or inside
    /// the dispatcher's scope (a neighbouring grid); a compound must have a company under contract.
    func assign(_ c: Case, toUnit id: UUID, scope: DataScope) async throws {
        guard let node = try await OrgNode.find(id, on: db), c.nodePath.hasPrefix(node.path) || scope.contains(node.path) else {
            throw APIError(.notFound, code: "unknown_unit", "要交办的单位不存在或不在您的辖区 (no such unit in your area)", field: "handlerNodeId")
        }
        let level: HandlerLevel
        switch node.kind {
        case .grid: level = .grid
        case .community: level = .community
        case .street: level = .street
        case .compound:
            guard let contract = try await PropertyScope.contract(of: node.id!, on: db, now: now), contract.companyID != nil else {
                throw APIError.invalid("handlerNodeId", "\(node.name)没有物业企业，不能交给物业 (no property company serves \(node.name))")
            }
            level = .property
        default:
            throw APIError.invalid("handlerNodeId", "只能交给网格、社区、街道或小区的物业 (choose a grid, community, street or a compound's company)")
        }
        c.handlerLevelRaw = level.rawValue
        c.handlerNodeID = node.id
        c.handlerDepartmentID = nil
    }

    /// A dispatcher may bring the resolution deadline forward, never past what the category allows.
    func shorten(_ c: Case, to due: Date?) throws {
        guard let due else { return }
        guard due > now else {
            throw APIError.invalid("resolutionDueAt", "办结时限须晚于现在 (the deadline must be in the future)")
        }
        if let limit = c.resolutionDueAt, due > limit {
            throw APIError.invalid("resolutionDueAt", "办结时限不能晚于类别规定的 \(ShanghaiTime.format(limit)) (no later than the category allows: \(ShanghaiTime.format(limit)))")
        }
        c.resolutionDueAt = due
    }

    /// The unit now handling the case, by name.
    func handlerName(_ c: Case) async throws -> String {
        if let d = c.handlerDepartmentID { return try await Department.find(d, on: db)?.name ?? "" }
        guard let n = c.handlerNodeID, let node = try await OrgNode.find(n, on: db) else { return "" }
        if c.handlerLevel == .property, let contract = try await PropertyScope.contract(of: n, on: db, now: now),
           let company = try await contract.companyID.asyncMap({ try await PropertyCompany.find($0, on: db) }) ?? nil {
            return "\(company.name)（\(node.name)）"
        }
        return node.name
    }
}

/// What just happened to a case, in words, for the page that made the move.
enum CaseFeedback {
    static func after(_ action: CaseAction, _ c: Case, handler: String, lang: Lang) -> String {
        let due = c.resolutionDueAt.map { ShanghaiTime.format($0, "M月d日 HH:mm") } ?? "—"
        let dueEn = c.resolutionDueAt.map { ShanghaiTime.format($0, "d MMM HH:mm") } ?? "—"
        let respond = c.responseDueAt.map { ShanghaiTime.format($0, "M月d日 HH:mm") } ?? "—"
        let respondEn = c.responseDueAt.map { ShanghaiTime.format($0, "d MMM HH:mm") } ?? "—"
        return switch action {
        case .accept: lang.t("已受理 \(c.number)，请在 \(respond) 前交办或办理", "Accepted \(c.number); dispatch or act by \(respondEn)")
        case .reject: lang.t("已决定不予受理 \(c.number)，理由已告知反映人", "Rejected \(c.number); the reporter sees the reason")
        case .dispatch: lang.t("已交办给 \(handler)，办结时限 \(due)", "Dispatched to \(handler); resolve by \(dueEn)")
        case .start: lang.t("已开始办理，办结时限 \(due)", "Started; resolve by \(dueEn)")
        case .returnCase: lang.t("已退回，等待重新交办", "Returned for re-dispatch")
        case .escalate: lang.t("已上报给 \(handler)", "Escalated to \(handler)")
        case .handBack: lang.t("已交回给 \(handler)，办结时限 \(due)", "Handed back to \(handler); resolve by \(dueEn)")
        case .reply: lang.t("已答复，等待反映人评价", "Replied; waiting for the reporter's rating")
        case .rate: c.state == .reopened ? lang.t("感谢评价：诉求已重新办理，会有人回访", "Thank you: the case is reopened for a return visit")
                                         : lang.t("感谢评价，诉求已办结", "Thank you; the case is closed")
        case .close: lang.t("已办结 \(c.number)", "Closed \(c.number)")
        case .merge: lang.t("已合并到相同诉求", "Merged into the same request")
        case .note: lang.t("已补充说明", "Note added")
        }
    }
}

/// The units a dispatch form offers, as `node:<id>` / `dept:<code>` values.
enum DispatchUnit {
    struct Choice: Sendable {
        let value: String
        let label: String
        let level: HandlerLevel
    }

    struct Options: Sendable {
        var choices: [Choice] = []
        /// The category's default handler for this place, preselected.
        var preselected: String?
    }

    /// Reads the form's `unit` into the move's input; an empty value leaves the level fields as they are.
    static func apply(_ raw: String?, to input: inout CaseTransitionInput) throws {
        guard let raw, !raw.isEmpty else { return }
        if raw.hasPrefix("level:"), let level = HandlerLevel(rawValue: String(raw.dropFirst(6))) {
            input.level = level
        } else if raw.hasPrefix("node:"), let id = UUID(uuidString: String(raw.dropFirst(5))) {
            input.handlerNodeID = id
        } else if raw.hasPrefix("dept:"), raw.count > 5 {
            input.level = .department
            input.departmentCode = String(raw.dropFirst(5))
        } else {
            throw APIError.invalid("unit", "请选择要交办的单位 (choose a unit)")
        }
    }

    /// The departments, the case's street, community and grid with the community's other grids, and the compound's
    /// company where one serves it; the category's default handler first selected.
    static func options(for c: Case, chain: [OrgNode], on db: any Database, now: Date, lang: Lang) async throws -> Options {
        var o = Options()
        let category = try await CaseCategory.find(c.categoryID, on: db)
        let departments = try await Department.query(on: db).filter(\.$active == true).sort(\.$code).all()
        for d in departments {
            o.choices.append(Choice(value: "dept:\(d.code)", label: "\(HandlerLevel.department.label(lang)) · \(d.name)", level: .department))
            if d.id == category?.defaultDepartmentID { o.preselected = "dept:\(d.code)" }
        }
        var nodes = chain.filter { [.street, .community, .grid].contains($0.kind) }
        if let community = chain.last(where: { $0.kind == .community }) {
            let grids = try await OrgNode.query(on: db).filter(\.$parentID == community.id).filter(\.$kindRaw == NodeKind.grid.rawValue).sort(\.$path).all()
            nodes += grids.filter { g in !nodes.contains { $0.id == g.id } }
        }
        for n in nodes {
            let level: HandlerLevel = n.kind == .grid ? .grid : n.kind == .street ? .street : .community
            o.choices.append(Choice(value: "node:\(n.id!)", label: "\(level.label(lang)) · \(n.name)", level: level))
        }
        if let compound = chain.last(where: { $0.kind == .compound }),
           let contract = try await PropertyScope.contract(of: compound.id!, on: db, now: now), let companyID = contract.companyID,
           let company = try await PropertyCompany.find(companyID, on: db) {
            o.choices.append(Choice(value: "node:\(compound.id!)", label: "\(HandlerLevel.property.label(lang)) · \(company.name)（\(compound.name)）",
                                    level: .property))
            if category?.defaultLevel == .property { o.preselected = "node:\(compound.id!)" }
        }
        if o.preselected == nil, let level = category?.defaultLevel, level != .department {
            let kind: NodeKind = level == .grid ? .grid : level == .street ? .street : .community
            o.preselected = chain.last { $0.kind == kind }.map { "node:\($0.id!)" }
        }
        return o
    }

    /// For ticked cases of different places: each case's own grid, community, street or company (by level), a
    /// department, or one named unit under the dispatcher's node (its communities and grids).
    static func bulkOptions(for actor: Actor, on db: any Database, lang: Lang) async throws -> [Choice] {
        var out = [HandlerLevel.grid, .community, .street, .property].map {
            Choice(value: "level:\($0.rawValue)", label: lang.t("各自所在的\($0.zh)", "each case's own \($0.en)"), level: $0)
        }
        for d in try await Department.query(on: db).filter(\.$active == true).sort(\.$code).all() {
            out.append(Choice(value: "dept:\(d.code)", label: "\(HandlerLevel.department.label(lang)) · \(d.name)", level: .department))
        }
        guard !actor.scope.rootPath.isEmpty else { return out }
        let units = try await OrgNode.query(on: db).within(actor.scope).filter(\.$kindRaw ~~ [NodeKind.community.rawValue, NodeKind.grid.rawValue])
            .sort(\.$path).limit(60).all()
        for n in units {
            let level: HandlerLevel = n.kind == .grid ? .grid : .community
            out.append(Choice(value: "node:\(n.id!)", label: "\(level.label(lang)) · \(n.name)", level: level))
        }
        return out
    }
}
