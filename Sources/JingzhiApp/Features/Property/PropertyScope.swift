import Fluent
import Foundation
import JingzhiCore

/// Where property staff may look, and who may do what in the property work.
///
/// A company's compounds are scattered over the tree, so a linked staff account's data scope is the union of the
/// compounds under the company's contracts that cover today (`DataScope.union`). An account not linked to a
/// company keeps the scope of its own node.
enum PropertyScope {
    /// The property tables that keep a copy of a node's path (moved with the node by `OrgService`).
    static let pathColumns: [PathColumn] = [
        PropertyContract.schema, CompoundProfile.schema, CompoundTierChange.schema, ImprovementTask.schema, HouseholdFacts.schema,
        PropertyBill.schema, PropertyPayment.schema, DunningNotice.schema, PropertyInspection.schema, ResidentCompanyRating.schema,
        PropertyBodyRating.schema,
    ].map { PathColumn($0) }

    static func staffScope(of user: User, on db: any Database, now: Date) async throws -> DataScope? {
        guard let id = user.id, let link = try await PropertyStaffLink.query(on: db).filter(\.$userID == id).first() else { return nil }
        return .union(try await compoundPaths(company: link.companyID, on: db, now: now))
    }

    /// Paths of the compounds served by `company` today.
    static func compoundPaths(company: UUID, on db: any Database, now: Date) async throws -> [String] {
        try await activeContracts(on: db, now: now).filter(\.$companyID == company).all().map(\.nodePath)
    }

    /// The contracts in force on the Shanghai day of `now`.
    static func activeContracts(on db: any Database, now: Date) -> QueryBuilder<PropertyContract> {
        let today = ShanghaiTime.today(now)
        return PropertyContract.query(on: db).filter(\.$status == ContractState.active.rawValue)
            .filter(\.$startDay <= today).filter(\.$endDay >= today)
    }

    /// For property staff, the company whose bills and payments they read (a company's records about households stay
    /// its own after a compound changes hands); nil for everyone else, who read by scope alone (an unlinked
    /// property account has no scope at all).
    static func feeCompany(of actor: Actor, on db: any Database) async throws -> UUID? {
        guard actor.role == .propertyStaff else { return nil }
        return try await PropertyStaffLink.query(on: db).filter(\.$userID == actor.userID).first()?.companyID
    }

    /// The company a property-staff account works for.
    static func company(of actor: Actor, on db: any Database) async throws -> PropertyCompany? {
        guard actor.role == .propertyStaff,
              let link = try await PropertyStaffLink.query(on: db).filter(\.$userID == actor.userID).first() else { return nil }
        return try await PropertyCompany.find(link.companyID, on: db)
    }

    /// The company in force at a compound today, if any.
    static func contract(of compoundID: UUID, on db: any Database, now: Date) async throws -> PropertyContract? {
        try await activeContracts(on: db, now: now).filter(\.$compoundID == compoundID).sort(\.$startDay, .descending).first()
    }
}

/// Who may do what. Where is always the actor's scope.
enum PropertyPolicy {
    /// Register and edit companies, link staff accounts: the county and the streets.
    static func requireCompanyManager(_ actor: Actor) throws {
        guard [.admin, .streetStaff].contains(actor.role) else { throw APIError.forbidden }
    }

    /// Contracts, class and tier, improvement tasks, inspections: county, street and community staff (their scope).
    static func requireCompoundManager(_ actor: Actor) throws {
        guard [.admin, .streetStaff, .communityStaff].contains(actor.role) else { throw APIError.forbidden }
    }

    /// Publishing the monthly rating and changing its rules: the county.
    static func requireCounty(_ actor: Actor) throws {
        guard actor.role == .admin else { throw APIError.forbidden }
    }

    /// Fees and payments of `companyID`: the company's own staff, or a county admin.
    static func requireBilling(_ actor: Actor, company companyID: UUID, on db: any Database) async throws {
        if actor.role == .admin { return }
        guard actor.role == .propertyStaff, let mine = try await PropertyScope.company(of: actor, on: db), mine.id == companyID else {
            throw APIError.forbidden
        }
    }

    /// Staff who may read fee figures (lists, arrears, collection rates) in their scope.
    static func requireFeeReader(_ actor: Actor) throws {
        guard [.admin, .streetStaff, .communityStaff, .propertyStaff].contains(actor.role) else { throw APIError.forbidden }
    }
}
