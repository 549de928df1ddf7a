import Foundation
import Fluent
import JingzhiCore
import Vapor

/// A partner organisation (红色合伙人): one of five kinds, reviewed by its community (the street for units serving
/// several communities), working under an agreement with a term; warned or retired with a reason, kept in the record.
final class Partner: Model, PathScoped, @unchecked Sendable {
    static let schema = "partners"
    static var pathKey: KeyPath<Partner, FieldProperty<Partner, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kindRaw: String
    /// 统一社会信用代码 (18 characters).
    @Field(key: "credit_code") var creditCode: String
    @Field(key: "offers") var offers: String
    @Field(key: "contact_name") var contactName: String
    @Field(key: "contact_phone") var contactPhone: String
    @Field(key: "party_branch") var partyBranch: String
    /// The community it serves, or the street for a unit serving several communities: who reviews it and its area.
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var stateRaw: String
    /// Why it was warned or retired (kept after reinstatement in the history).
    @OptionalField(key: "state_reason") var stateReason: String?
    /// The agreement: the categories it may act on (`PartnerCategory`, joined by `,`) and its term (days, inclusive).
    @Field(key: "agreement_categories") var agreementCategoriesRaw: String
    @OptionalField(key: "agreement_from") var agreementFrom: String?
    @OptionalField(key: "agreement_to") var agreementTo: String?
    /// The partner account (role `partner`) that acts for it.
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var kind: PartnerKind { PartnerKind(rawValue: kindRaw) ?? .service }
    var state: PartnerState { PartnerState(rawValue: stateRaw) ?? .applied }
    var categories: [PartnerCategory] { agreementCategoriesRaw.split(separator: ",").compactMap { PartnerCategory(rawValue: String($0)) } }

    /// Whether the agreement lets it act on `category` on `day`.
    func covers(_ category: PartnerCategory, on day: String) -> Bool {
        guard state == .approved || state == .warned, categories.contains(category) else { return false }
        guard let from = agreementFrom, let to = agreementTo else { return false }
        return from <= day && day <= to
    }
}

/// An in-service party member (在职党员) or party organisation registered to the community where they live or are
/// assigned (双报到): they claim wishes there and log service.
final class PartyMember: Model, PathScoped, @unchecked Sendable {
    static let schema = "party_members"
    static var pathKey: KeyPath<PartyMember, FieldProperty<PartyMember, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    /// The account that acts (a resident linked to the register, or an organisation's account).
    @Field(key: "user_id") var userID: UUID
    @OptionalField(key: "resident_id") var residentID: UUID?
    @Field(key: "name") var name: String
    /// "member" (在职党员) or "organisation" (在职党组织).
    @Field(key: "kind") var kind: String
    /// The work unit / party organisation the report groups by.
    @Field(key: "unit") var unit: String
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "active") var active: Bool
    @Field(key: "registered_at") var registeredAt: Date
    /// When and why the registration ended (the member or the community ended it); the history keeps earlier ones.
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "end_reason") var endReason: String?

    init() {}
}

/// The five kinds of partners (Jinxiang's 五类合伙人).
enum PartnerKind: String, CaseIterable, Sendable, Codable {
    case cobuilding, support, service, development, selfGoverning = "self_governing"

    var zh: String {
        switch self {
        case .cobuilding: "共建合伙人"
        case .support: "助力合伙人"
        case .service: "服务合伙人"
        case .development: "发展合伙人"
        case .selfGoverning: "自治合伙人"
        }
    }

    var en: String {
        switch self {
        case .cobuilding: "co-building"
        case .support: "support"
        case .service: "service"
        case .development: "development"
        case .selfGoverning: "self-governing"
        }
    }

    func label(_ lang: Lang) -> String { lang.t(zh, en) }
}

/// What needs ask for, resources offer, wishes wish and agreements cover.
enum PartnerCategory: String, CaseIterable, Sendable, Codable {
    case venue, funds, service, volunteers, goods

    var zh: String {
        switch self {
        case .venue: "场地"
        case .funds: "资金"
        case .service: "专业服务"
        case .volunteers: "志愿者"
        case .goods: "物资"
        }
    }

    var en: String {
        switch self {
        case .venue: "venue"
        case .funds: "funds"
        case .service: "professional services"
        case .volunteers: "volunteers"
        case .goods: "goods"
        }
    }

    func label(_ lang: Lang) -> String { lang.t(zh, en) }

    static func parse(_ raw: String?, field: String = "category") throws -> PartnerCategory {
        guard let raw, !raw.isEmpty else { throw APIError.missing(field) }
        guard let c = PartnerCategory(rawValue: raw) else {
            throw APIError.invalid(field, "类别须为 venue、funds、service、volunteers、goods 之一 (category: venue, funds, service, volunteers or goods)")
        }
        return c
    }
}
