import Fluent
import Foundation

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
    /// `open` or `cancelled` (only unpaid bills, with a reason).
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var owedFen: Int { status == "cancelled" ? 0 : amountFen - paidFen }
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

/// Money in fen, as people write it in yuan.
enum Money {
    /// The largest amount any input, price or bill may carry (10亿元): products with an area or a count, and sums
    /// over a county's bills, then stay far inside 64 bits.
    static let maxFen = 100_000_000_000

    /// `a + b`, held at the largest Int instead of trapping (only rows stored before amounts were bounded get there).
    static func sum(_ a: Int, _ b: Int) -> Int {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? (a < 0 ? Int.min : Int.max) : s
    }

    static func total<S: Sequence>(_ amounts: S) -> Int where S.Element == Int { amounts.reduce(0, sum) }

    /// `a × b` in fen, or an error when the result would pass `maxFen` (never a trap).
    static func product(_ a: Int, _ b: Int, field: String) throws -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else {
            throw APIError.invalid(field, "金额超出可计算的范围 (the amount is out of range)")
        }
        return p
    }

    /// `123456` → `1234.56`.
    static func yuan(_ fen: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let a = fen.magnitude
        return sign + "\(a / 100)." + String(format: "%02d", a % 100)
    }

    /// `12.5` → 1250 fen; refuses negatives, more than two decimals, and anything that is not a number.
    static func parseYuan(_ raw: String?, field: String) throws -> Int {
        let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw APIError.missing(field) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit), whole.count <= 9,
              parts.count == 1 || (parts[1].count <= 2 && parts[1].allSatisfy(\.isASCIIDigit)) else {
            throw APIError.invalid(field, "金额须为非负数，最多两位小数 (amount must be a non-negative number of yuan with at most 2 decimals)")
        }
        let cents = parts.count == 2 ? String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
        return Int(whole)! * 100 + Int(cents)!
    }

    /// A JSON amount in fen: a whole number, ≥ `min`. 12.5 or -3 are refused with a clear message.
    static func fen(_ value: Double?, field: String, min: Int = 1, max: Int = maxFen) throws -> Int {
        guard let value else { throw APIError.missing(field) }
        guard value == value.rounded(), value.isFinite else {
            throw APIError.invalid(field, "金额须为整数（单位：分） (amount must be whole fen)")
        }
        guard value <= Double(max) else {
            throw APIError.invalid(field, "金额最多 \(yuan(max)) 元（\(max) 分） (at most \(max) fen)")
        }
        let fen = Int(value)
        guard fen >= min else {
            throw APIError.invalid(field, min > 0 ? "金额须大于零 (amount must be positive)" : "金额不能为负 (amount cannot be negative)")
        }
        return fen
    }
}
