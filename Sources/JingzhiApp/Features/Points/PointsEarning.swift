import Fluent
import Foundation
import JingzhiCore
import Vapor

/// The earning paths besides volunteer activities: a charitable donation staff record (公益慈善), and a resident's case
/// that closed: a mediated dispute (纠纷调解, the 矛盾纠纷 categories) or a problem they reported (随手拍). Each pays the
/// community's rule for its path, once per event, within the month's caps.
extension PointsService {
    /// Staff record a donation by a resident in their scope; a retry with the same `Idempotency-Key` records nothing more.
    func recordDonation(residentID: UUID?, description: String?, idempotencyKey: String?, by actor: Actor) async throws -> (entry: PointsEntry, created: Bool) {
        try Self.requireStaff(actor)
        let what = try Validate.text(description, field: "description", max: 200)!
        let resident = try await resident(residentID, within: actor.scope)
        let community = try await community(of: resident)
        let points = try await PointsRules(db: db, now: now).points(for: .donation, in: community.id!) ?? PointsSource.donation.defaultPoints!
        return try await award(residentID: resident.id, points: Double(points), reason: "公益慈善捐赠：\(what)",
                               sourceRef: "donation:\(UUID().uuidString)", idempotencyKey: idempotencyKey, by: actor, clip: true)
    }

    /// Pays the resident who reported `c` once it has closed: `mediation:<caseId>` for a dispute, `report:<caseId>`
    /// otherwise. Nil when nobody is paid (not closed, not a resident's case, the cap is reached).
    @discardableResult
    func caseClosed(_ c: Case) async throws -> PointsEntry? {
        guard c.state == .closed, let reporter = c.reporterID, let user = try await User.find(reporter, on: db), user.role == .resident,
              let residentID = user.residentID, let resident = try await Resident.find(residentID, on: db) else { return nil }
        let category = try await CaseCategory.find(c.categoryID, on: db)
        let mediation = try await Self.isDispute(category, on: db)
        let source: PointsSource = mediation ? .mediation : .report
        let community = try await community(of: resident)
        guard let points = try await PointsRules(db: db, now: now).points(for: source, in: community.id!), points > 0 else { return nil }
        // The rule pays, not a person: an award by the platform, everywhere.
        let staff = PointsDemo.systemActor(role: .admin)
        do {
            return try await award(residentID: resident.id, points: Double(points),
                                   reason: mediation ? "纠纷调解：诉求 \(c.number) 已调解办结" : "随手拍：诉求 \(c.number) 已办结",
                                   sourceRef: "\(source.rawValue):\(c.id!.uuidString)", idempotencyKey: nil, by: staff, clip: true).entry
        } catch let e as APIError where e.code == "monthly_cap" || e.code == "daily_cap" {
            return nil
        }
    }

    /// Whether `category` lies under 矛盾纠纷 (the dispute root of the catalogue).
    static func isDispute(_ category: CaseCategory?, on db: any Database) async throws -> Bool {
        var node = category
        while let c = node {
            if c.code == "maodun" { return true }
            node = try await c.parentID.asyncMap { try await CaseCategory.find($0, on: db) } ?? nil
        }
        return false
    }
}
