import Fluent
import Foundation
import JingzhiCore

/// A fee a company charges (收费项目), priced in fen.
final class FeeItem: Model, @unchecked Sendable {
    static let schema = "property_fee_items"
    /// The highest unit price (10 万元): a price per m², per space or per household is far below it.
    static let maxUnitFen = 10_000_000

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "name") var name: String
    /// `per_m2` (fen per m² of floor area a month), `per_household`, `per_parking` (per space), `one_off`.
    @Field(key: "basis") var basis: String
    @Field(key: "unit_fen") var unitFen: Int
    @Field(key: "active") var active: Bool

    init() {}

    static let bases = ["per_m2": "按面积(元/㎡·月)", "per_household": "按户", "per_parking": "按车位", "one_off": "一次性"]
    static let basesEn = ["per_m2": "per m² (yuan/m²·month)", "per_household": "per household", "per_parking": "per parking space", "one_off": "one-off"]
    static func basisLabel(_ basis: String, _ lang: Lang) -> String { PropertyLabel.of(basis, bases, basesEn, lang) }
}

/// What billing needs to know of a household: floor area (in hundredths of a m²) and parking spaces.
final class HouseholdFacts: Model, PathScoped, @unchecked Sendable {
    static let schema = "property_household_facts"
    static var pathKey: KeyPath<HouseholdFacts, FieldProperty<HouseholdFacts, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "area_centi_m2") var areaCentiM2: Int
    @Field(key: "parking_spaces") var parkingSpaces: Int

    init() {}
}

/// A bill (账单) of one household for one fee item and one billing period; unique on those three, so
/// generating a period twice bills nobody twice.
final class PropertyBill: Model, PathScoped, @unchecked Sendable {
    static let schema = "property_bills"
    static var pathKey: KeyPath<PropertyBill, FieldProperty<PropertyBill, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "compound_id") var compoundID: UUID
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "fee_item_id") var feeItemID: UUID
    @Field(key: "item_name") var itemName: String
    /// Billing period `yyyy-MM`.
    @Field(key: "period") var period: String
    @Field(key: "amount_fen") var amountFen: Int
    /// Sum of the payments against it, reversals included.
    @Field(key: "paid_fen") var paidFen: Int
    @Field(key: "due_day") var dueDay: String
    /// `BillState`: `open` or `cancelled` (only unpaid bills, with a reason).
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date
    /// Claimed by every lifecycle move and bumped by every payment, so a cancel never crosses a payment.
    @Field(key: "version") var version: Int

    init() { version = 0 }

    var owedFen: Int { state == .cancelled ? 0 : amountFen - paidFen }
}

/// A payment (缴费) against a bill, or a reversal of one (negative amount, `reversesID`, a reason). Never deleted.
final class PropertyPayment: Model, PathScoped, @unchecked Sendable {
    static let schema = "property_payments"
    static var pathKey: KeyPath<PropertyPayment, FieldProperty<PropertyPayment, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "bill_id") var billID: UUID
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "amount_fen") var amountFen: Int
    /// `cash`, `transfer`, `online`, or `reversal`.
    @Field(key: "method") var method: String
    @OptionalField(key: "reference") var reference: String?
    /// 收据号, unique.
    @Field(key: "receipt_no") var receiptNo: String
    @OptionalField(key: "reverses_id") var reversesID: UUID?
    @OptionalField(key: "reversed_by_id") var reversedByID: UUID?
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    /// `staff` or `resident`.
    @Field(key: "payer_kind") var payerKind: String
    @Field(key: "at") var at: Date

    init() {}

    static let methods = ["cash": "现金", "transfer": "转账", "online": "线上支付", "reversal": "冲正"]
}

/// A dunning notice (催缴通知) sent to a household in arrears.
final class DunningNotice: Model, PathScoped, @unchecked Sendable {
    static let schema = "property_dunning_notices"
    static var pathKey: KeyPath<DunningNotice, FieldProperty<DunningNotice, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "arrears_fen") var arrearsFen: Int
    @Field(key: "bills") var bills: Int
    @Field(key: "actor_name") var actorName: String
    @Field(key: "at") var at: Date

    init() {}
}

