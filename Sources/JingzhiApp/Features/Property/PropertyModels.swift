import Fluent
import Foundation
import JingzhiCore

/// A property-service company (物业服务企业): a market company or a state-owned one that takes over
/// compounds nobody else serves (国有物业公益性兜底).
final class PropertyCompany: Model, @unchecked Sendable {
    static let schema = "property_companies"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// 营业执照/资质证书编号.
    @Field(key: "licence_no") var licenceNo: String
    @Field(key: "contact_name") var contactName: String
    @Field(key: "contact_phone") var contactPhone: String
    /// The company's Party organisation (物业企业党支部), if any.
    @OptionalField(key: "party_branch") var partyBranch: String?
    /// `state_fallback` (国有兜底) or `market` (市场化).
    @Field(key: "kind") var kind: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    static let kinds = ["state_fallback": "国有兜底", "market": "市场化"]
    static let kindsEn = ["state_fallback": "state-owned fallback", "market": "market"]
}

/// A service contract (物业服务合同) of one compound: who serves it, for how long, for what fee and under which model.
final class PropertyContract: Model, PathScoped, @unchecked Sendable {
    static let schema = "property_contracts"
    static var pathKey: KeyPath<PropertyContract, FieldProperty<PropertyContract, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    /// Nil only for a self-managed compound (业主自管).
    @OptionalField(key: "company_id") var companyID: UUID?
    @Field(key: "compound_id") var compoundID: UUID
    @Field(key: "node_path") var nodePath: String
    /// `full` 全权物业, `basic` 两毛钱基础物业, `fallback` 1+1 兜底, `self_managed` 自管.
    @Field(key: "model") var model: String
    /// First and last day, `yyyy-MM-dd`.
    @Field(key: "start_day") var startDay: String
    @Field(key: "end_day") var endDay: String
    /// The agreed fee, fen per m² per month (两毛钱 = 20).
    @Field(key: "fee_fen_per_m2") var feeFenPerM2: Int
    /// `ContractState`: `active` or `ended` (ended early, with a reason in the audit log).
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date
    /// Claimed by every lifecycle move.
    @Field(key: "version") var version: Int

    init() { version = 0 }

    static let models = ["full": "全权物业", "basic": "两毛钱基础物业", "fallback": "1+1兜底物业", "self_managed": "业主自管"]
    static let modelsEn = ["full": "full service", "basic": "basic (0.2 yuan)", "fallback": "1+1 fallback", "self_managed": "owner-managed"]

    /// Whether the contract covers the day `yyyy-MM-dd`.
    func covers(_ day: String) -> Bool { state == .active && startDay <= day && day <= endDay }
}

/// A property-staff account working for a company (the account's scope is the company's compounds).
final class PropertyStaffLink: Model, @unchecked Sendable {
    static let schema = "property_staff_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "company_id") var companyID: UUID

    init() {}
}

/// What the property work knows of a compound: its class (小区分类) and its tier (小区定级).
final class CompoundProfile: Model, PathScoped, @unchecked Sendable {
    static let schema = "compound_profiles"
    static var pathKey: KeyPath<CompoundProfile, FieldProperty<CompoundProfile, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "compound_id") var compoundID: UUID
    @Field(key: "node_path") var nodePath: String
    /// `commercial` 商住小区, `old` 老旧小区, `resettled` 回迁小区.
    @Field(key: "class") var compoundClass: String
    /// `problem` 问题突出, `improving` 重点提升, `model` 精治示范.
    @Field(key: "tier") var tier: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    static let classes = ["commercial": "商住小区", "old": "老旧小区", "resettled": "回迁小区"]
    static let tiers = ["problem": "问题突出", "improving": "重点提升", "model": "精治示范"]
    static let classesEn = ["commercial": "commercial", "old": "old", "resettled": "resettlement"]
    static let tiersEn = ["problem": "problem", "improving": "improving", "model": "model"]
    static let tierOrder = ["problem", "improving", "model"]
}

/// One move of a compound between tiers: who, when, why.
final class CompoundTierChange: Model, PathScoped, @unchecked Sendable {
    static let schema = "compound_tier_changes"
    static var pathKey: KeyPath<CompoundTierChange, FieldProperty<CompoundTierChange, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "compound_id") var compoundID: UUID
    @Field(key: "node_path") var nodePath: String
    @OptionalField(key: "from_tier") var fromTier: String?
    @Field(key: "to_tier") var toTier: String
    @Field(key: "reason") var reason: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "at") var at: Date

    init() {}
}

/// An improvement task (整改/提升任务) of a compound, with owner and deadline.
final class ImprovementTask: Model, PathScoped, @unchecked Sendable {
    static let schema = "compound_improvement_tasks"
    static var pathKey: KeyPath<ImprovementTask, FieldProperty<ImprovementTask, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "compound_id") var compoundID: UUID
    @Field(key: "node_path") var nodePath: String
    /// The tier change it justifies, if any.
    @OptionalField(key: "tier_change_id") var tierChangeID: UUID?
    @Field(key: "title") var title: String
    @Field(key: "owner") var owner: String
    @Field(key: "due_day") var dueDay: String
    @OptionalField(key: "done_at") var doneAt: Date?
    @OptionalField(key: "done_by") var doneBy: String?
    @Field(key: "created_at") var createdAt: Date
    /// `TaskState`: `open` or `done`.
    @Field(key: "status") var status: String
    @Field(key: "version") var version: Int

    init() {
        status = TaskState.open.rawValue
        version = 0
    }
}

/// A property code's name in the page's language: companies' kinds, contract models, compound classes and tiers.
enum PropertyLabel {
    static func of(_ code: String?, _ zh: [String: String], _ en: [String: String], _ lang: Lang) -> String {
        guard let code else { return "—" }
        return (lang == .zh ? zh[code] : en[code]) ?? code
    }
    static func kind(_ code: String?, _ lang: Lang) -> String { of(code, PropertyCompany.kinds, PropertyCompany.kindsEn, lang) }
    static func model(_ code: String?, _ lang: Lang) -> String { of(code, PropertyContract.models, PropertyContract.modelsEn, lang) }
    static func compoundClass(_ code: String?, _ lang: Lang) -> String { of(code, CompoundProfile.classes, CompoundProfile.classesEn, lang) }
    static func tier(_ code: String?, _ lang: Lang) -> String { of(code, CompoundProfile.tiers, CompoundProfile.tiersEn, lang) }
}
