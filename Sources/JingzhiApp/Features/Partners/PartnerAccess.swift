import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Who is acting on the partner side: a partner organisation's account or a registered party member (双报到).
enum Claimer: Sendable {
    case partner(Partner)
    case member(PartyMember)

    var name: String {
        switch self {
        case .partner(let p): p.name
        case .member(let m): m.name
        }
    }

    /// The unit the 双报到 report credits.
    var unit: String {
        switch self {
        case .partner(let p): p.name
        case .member(let m): m.unit
        }
    }

    var nodePath: String {
        switch self {
        case .partner(let p): p.nodePath
        case .member(let m): m.nodePath
        }
    }

    var partnerID: UUID? {
        switch self {
        case .partner(let p): p.id
        case .member: nil
        }
    }

    var memberID: UUID? {
        switch self {
        case .partner: nil
        case .member(let m): m.id
        }
    }
}

/// The rules of who may act where: staff in their scope, partners within their agreement, party members in the
/// community they registered to.
enum PartnerAccess {
    static let staffRoles: Set<Role> = [.admin, .streetStaff, .communityStaff]

    static func isStaff(_ actor: Actor) -> Bool { staffRoles.contains(actor.role) }

    static func requireStaff(_ actor: Actor) throws {
        guard isStaff(actor) else {
            throw APIError(.forbidden, code: "forbidden", "只有街道、社区工作人员可以执行此操作 (only street and community staff may do this)")
        }
    }

    /// The partner organisation this account acts for (any state), if any.
    static func partner(of actor: Actor, on db: any Database) async throws -> Partner? {
        guard actor.role == .partner else { return nil }
        return try await Partner.query(on: db).filter(\.$userID == actor.userID).sort(\.$createdAt, .descending).first()
    }

    static func member(of actor: Actor, on db: any Database) async throws -> PartyMember? {
        try await PartyMember.query(on: db).filter(\.$userID == actor.userID).filter(\.$active == true).first()
    }

    /// The claimer behind the account; 403 for anyone who is neither a partner nor a registered party member.
    static func claimer(_ actor: Actor, on db: any Database) async throws -> Claimer {
        if let p = try await partner(of: actor, on: db) { return .partner(p) }
        if let m = try await member(of: actor, on: db) { return .member(m) }
        throw APIError(.forbidden, code: "not_a_claimer",
                       "只有红色合伙人或已报到的在职党员可以认领 (only partners and registered party members may claim)")
    }

    /// 403 unless the claimer may act on `category` at `path` today: a partner approved (or warned), within its
    /// agreement's term, categories and area; a party member in the community they registered to.
    static func requireCovers(_ c: Claimer, category: PartnerCategory?, path: String, now: Date) throws {
        switch c {
        case .partner(let p):
            guard p.state == .approved || p.state == .warned else {
                throw APIError(.forbidden, code: "partner_inactive",
                               "合伙人「\(p.name)」当前为「\(p.state.zh)」，不能执行此操作 (the partner is \(p.state.en) and cannot act)")
            }
            let day = ShanghaiTime.today(now)
            guard let from = p.agreementFrom, let to = p.agreementTo, from <= day, day <= to else {
                throw APIError(.forbidden, code: "outside_agreement", "合作协议不在有效期内 (the agreement is not in force today)")
            }
            if let category, !p.categories.contains(category) {
                throw APIError(.forbidden, code: "outside_agreement",
                               "合作协议不包含「\(category.zh)」 (the agreement does not cover \(category.en))")
            }
            guard path.hasPrefix(p.nodePath) else {
                throw APIError(.forbidden, code: "outside_agreement", "不在合作协议的服务范围内 (outside the area of the agreement)")
            }
        case .member(let m):
            guard m.active, path.hasPrefix(m.nodePath) else {
                throw APIError(.forbidden, code: "outside_registration", "只能在报到的社区认领和服务 (only in the community you registered to)")
            }
        }
    }

    /// Reviewer of a partner: staff whose scope holds it; a street-level partner (several communities) only by the street.
    static func role(_ actor: Actor, for p: Partner, nodeKind: NodeKind) -> PartnerRole {
        guard isStaff(actor), actor.scope.contains(p.nodePath) else { return .other }
        if nodeKind == .street, actor.role == .communityStaff { return .other }
        return .reviewer
    }

    static func listRole(_ actor: Actor) -> ListRole {
        if isStaff(actor) { return .staff }
        return actor.role == .partner ? .partner : .other
    }
}
