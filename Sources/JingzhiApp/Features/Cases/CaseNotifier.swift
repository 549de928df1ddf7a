import Fluent
import Foundation
import JingzhiCore

/// Who hears of a case: the handling unit's people, their superiors, and the resident who reported it.
struct CaseNotifier {
    let db: any Database
    let now: Date

    /// Accounts that work for the unit now handling `c`: staff bound to the handler node and its grid workers, or the
    /// department's staff. Partners and residents bound to the same node are not the unit's people.
    func handlerUsers(of c: Case) async throws -> [UUID] {
        if let department = c.handlerDepartmentID {
            return try await User.query(on: db).filter(\.$departmentID == department).filter(\.$roleRaw == Role.departmentStaff.rawValue)
                .filter(\.$active == true).all().compactMap(\.id)
        }
        guard let nodeID = c.handlerNodeID else { return [] }
        if c.handlerLevel == .property {
            // The staff of the company serving the compound now, wherever their accounts were made.
            guard let contract = try await PropertyScope.contract(of: nodeID, on: db, now: now) , let company = contract.companyID else { return [] }
            let linked = try await PropertyStaffLink.query(on: db).filter(\.$companyID == company).all().map(\.userID)
            return try await User.query(on: db).filter(\.$id ~~ linked).filter(\.$active == true).all().compactMap(\.id)
        }
        let roles: [Role] = [.streetStaff, .communityStaff, .gridWorker]
        var ids = try await User.query(on: db).filter(\.$nodeID == nodeID).filter(\.$active == true)
            .filter(\.$roleRaw ~~ roles.map(\.rawValue)).all().compactMap(\.id)
        ids += try await GridWorker.query(on: db).filter(\.$gridID == nodeID).all().compactMap(\.userID)
        return Array(Set(ids))
    }

    /// Staff of the community and street above the case's place (督办 goes to the handler's superiors).
    func supervisors(of c: Case) async throws -> [UUID] {
        guard let node = try await OrgNode.find(c.nodeID, on: db) else { return [] }
        let chain = try await OrgService(db: db, now: now).ancestors(of: node)
        let above = chain.filter { [.community, .street].contains($0.kind) && $0.id != c.handlerNodeID }.compactMap(\.id)
        guard !above.isEmpty else { return [] }
        return try await User.query(on: db).filter(\.$nodeID ~~ above).filter(\.$active == true)
            .filter(\.$roleRaw ~~ [Role.communityStaff.rawValue, Role.streetStaff.rawValue]).all().compactMap(\.id)
    }

    /// One insert for all of them, in a stable order.
    func send(_ users: [UUID], case c: Case, kind: String, text: String) async throws {
        let notes = Set(users).sorted { $0.uuidString < $1.uuidString }.map { user in
            let n = Notification()
            n.userID = user
            n.caseID = c.id
            n.kind = kind
            n.text = String(text.prefix(300))
            n.createdAt = now
            return n
        }
        if !notes.isEmpty { try await notes.create(on: db) }
    }

    /// The phone a reporter left with the case, else their account's, else their entry's in the register.
    func reporterPhone(of c: Case) async throws -> String? {
        if let p = c.reporterPhone, !p.isEmpty { return p }
        guard let id = c.reporterID, let user = try await User.find(id, on: db) else { return nil }
        if let p = user.phone, !p.isEmpty { return p }
        guard let rid = user.residentID, let p = try await Resident.find(rid, on: db)?.phone, !p.isEmpty else { return nil }
        return p
    }

    /// After a transition: the reporter hears every step; a unit hears when a case lands on it.
    func afterTransition(_ c: Case, action: CaseAction) async throws {
        if let reporter = c.reporterID {
            try await send([reporter], case: c, kind: "step", text: "您的诉求 \(c.number)：\(c.state.zh)")
        }
        switch action {
        case .dispatch, .escalate, .handBack:
            try await send(try await handlerUsers(of: c), case: c, kind: "new_case", text: "新的交办诉求 \(c.number)")
        case .returnCase:
            try await send(try await supervisors(of: c), case: c, kind: "returned", text: "诉求 \(c.number) 被退回，请重新交办")
        default:
            break
        }
    }
}
