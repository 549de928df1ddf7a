import Foundation
import Fluent
import JingzhiCore
import Vapor

/// A community canteen (社区食堂 / 孝贤大食堂): its menus, the residents' orders for the next day, meal delivery.
final class Canteen: Model, PathScoped, @unchecked Sendable {
    static let schema = "canteens"
    static var pathKey: KeyPath<Canteen, FieldProperty<Canteen, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// The community it serves: its residents order, its staff keep the menus.
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "address") var address: String
    /// Orders for a day close at this hour (Shanghai) of the day before.
    @Field(key: "cutoff_hour") var cutoffHour: Int

    init() {}
}

/// One meal of one day: its dishes, or closed (never shown as an empty menu).
final class CanteenMenu: Model, @unchecked Sendable {
    static let schema = "canteen_menus"

    @ID(key: .id) var id: UUID?
    @Field(key: "canteen_id") var canteenID: UUID
    @Field(key: "day") var day: String
    @Field(key: "meal") var meal: String
    @Field(key: "closed") var closed: Bool
    @Field(key: "note") var note: String

    init() {}
}

/// A dish of a menu with its price for each kind of diner, in fen.
final class CanteenDish: Model, @unchecked Sendable {
    static let schema = "canteen_dishes"

    @ID(key: .id) var id: UUID?
    @Field(key: "menu_id") var menuID: UUID
    @Field(key: "name") var name: String
    @Field(key: "price_standard") var priceStandard: Int
    @Field(key: "price_over60") var priceOver60: Int
    @Field(key: "price_over80") var priceOver80: Int
    /// 低保、特困 recipients.
    @Field(key: "price_assisted") var priceAssisted: Int
    @Field(key: "sold_out") var soldOut: Bool
    @Field(key: "sort_order") var sortOrder: Int

    init() {}

    func price(for diner: DinerType) -> Int {
        switch diner {
        case .standard: priceStandard
        case .over60: priceOver60
        case .over80: priceOver80
        case .assisted: priceAssisted
        }
    }
}

/// A resident's order of one dish for a meal; delivered to the door (助餐送餐) when asked.
final class CanteenOrder: Model, PathScoped, @unchecked Sendable {
    static let schema = "canteen_orders"
    static var pathKey: KeyPath<CanteenOrder, FieldProperty<CanteenOrder, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "menu_id") var menuID: UUID
    @Field(key: "dish_id") var dishID: UUID
    @Field(key: "canteen_id") var canteenID: UUID
    @Field(key: "day") var day: String
    @Field(key: "meal") var meal: String
    @Field(key: "resident_id") var residentID: UUID
    @Field(key: "resident_name") var residentName: String
    /// The resident's household node.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "diner_type") var dinerType: String
    @Field(key: "quantity") var quantity: Int
    @Field(key: "price") var price: Int
    @Field(key: "delivery") var delivery: Bool
    @Field(key: "address") var address: String
    /// `ordered`, `cancelled`, `delivered`.
    @Field(key: "state") var state: String
    @OptionalField(key: "courier_id") var courierID: UUID?
    @OptionalField(key: "courier_name") var courierName: String?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Who a diner is for the price: the register decides (age, 低保/特困 tags); the lowest price applies.
enum DinerType: String, CaseIterable, Sendable {
    case standard, over60, over80, assisted

    var zh: String {
        switch self {
        case .standard: "普通居民"
        case .over60: "60岁以上"
        case .over80: "80岁以上"
        case .assisted: "低保特困"
        }
    }

    var en: String {
        switch self {
        case .standard: "Resident"
        case .over60: "Over 60"
        case .over80: "Over 80"
        case .assisted: "Assisted"
        }
    }
}

enum Meal: String, CaseIterable, Sendable {
    case breakfast, lunch, dinner

    var zh: String {
        switch self {
        case .breakfast: "早餐"
        case .lunch: "午餐"
        case .dinner: "晚餐"
        }
    }

    var en: String {
        switch self {
        case .breakfast: "Breakfast"
        case .lunch: "Lunch"
        case .dinner: "Dinner"
        }
    }
}
