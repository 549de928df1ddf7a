import Foundation
import Fluent
import JingzhiCore

/// What other features ask the Partners feature about a partner account acting for its organisation (e.g. organising
/// volunteer activities): the same rules as claiming wishes and logging service.
extension PartnerService {
    /// The partner organisation behind `actor` when it may organise volunteer activities at `path` today: approved (or
    /// warned), within its agreement's term, the agreement covering 志愿者, and `path` inside the area it serves. 403 otherwise.
    func organiser(_ actor: Actor, at path: String) async throws -> Partner {
        guard let p = try await PartnerAccess.partner(of: actor, on: db) else {
            throw APIError(.forbidden, code: "not_a_partner", "只有红色合伙人账号可以执行此操作 (only a partner account may do this)")
        }
        try PartnerAccess.requireCovers(.partner(p), category: .volunteers, path: path, now: now)
        return p
    }

    /// The partner organisation a partner account acts for (any state), or nil for other accounts.
    func partner(of actor: Actor) async throws -> Partner? {
        try await PartnerAccess.partner(of: actor, on: db)
    }

    /// The work unit a resident registered as an in-service party member (双报到) reports, if they did.
    func memberUnit(resident: UUID) async throws -> String? {
        try await PartyMember.query(on: db).filter(\.$residentID == resident).filter(\.$active == true).first()?.unit
    }

    /// The names of the approved partners serving `path` (its community or street), for a volunteer to pick theirs.
    func partnerNames(serving path: String) async throws -> [String] {
        let rows = try await Partner.query(on: db).filter(\.$stateRaw ~~ [PartnerState.approved.rawValue, PartnerState.warned.rawValue])
            .sort(\.$name).limit(500).all()
        return rows.filter { path.hasPrefix($0.nodePath) }.map(\.name)
    }

    /// The partner (by id) donating goods to a community's supermarket at `path`: it must serve `path` and its
    /// agreement cover goods (物资) today. 422 for an unknown partner, 403 as the agreement rules say.
    func donor(_ raw: String, at path: String) async throws -> Partner {
        guard let id = UUID(uuidString: raw), let p = try await Partner.find(id, on: db) else {
            throw APIError.invalid("donor", "没有这个红色合伙人 (unknown partner)")
        }
        try PartnerAccess.requireCovers(.partner(p), category: .goods, path: path, now: now)
        return p
    }

    /// Approved partners serving any of `paths` (their community or street), for choosing a donor.
    func partners(serving paths: [String]) async throws -> [Partner] {
        let rows = try await Partner.query(on: db).filter(\.$stateRaw ~~ [PartnerState.approved.rawValue, PartnerState.warned.rawValue])
            .sort(\.$name).limit(500).all()
        return rows.filter { p in paths.contains { $0.hasPrefix(p.nodePath) } }
    }
}
