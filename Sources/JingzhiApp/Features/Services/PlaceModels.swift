import Foundation
import Fluent
import JingzhiCore
import Vapor

/// A place of the 15-minute living circle (15分钟生活圈): a clinic, pharmacy, canteen, shop, service hall, 驿站 or a
/// partner's service, with its opening hours, phone and position.
final class ServicePlace: Model, PathScoped, @unchecked Sendable {
    static let schema = "service_places"
    static var pathKey: KeyPath<ServicePlace, FieldProperty<ServicePlace, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kindRaw: String
    /// The community (or street) that keeps this entry: its staff edit it.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "address") var address: String
    @Field(key: "phone") var phone: String
    @Field(key: "lat") var lat: Double
    @Field(key: "lon") var lon: Double
    /// `OpeningHours.raw`.
    @Field(key: "hours") var hoursRaw: String
    @Field(key: "keeps_holidays") var keepsHolidays: Bool
    /// An online service (hospital registration, ordering), https only.
    @OptionalField(key: "online_url") var onlineURL: String?
    @Field(key: "description") var details: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var kind: PlaceKind { PlaceKind(rawValue: kindRaw) ?? .partner }
    var point: GeoPoint { GeoPoint(lon: lon, lat: lat) }
    var hours: OpeningHours { OpeningHours(raw: hoursRaw) }
}

/// A day one place is closed (装修、盘点、临时闭馆).
final class PlaceClosure: Model, @unchecked Sendable {
    static let schema = "service_place_closures"

    @ID(key: .id) var id: UUID?
    @Field(key: "place_id") var placeID: UUID
    @Field(key: "day") var day: String
    @Field(key: "reason") var reason: String

    init() {}
}

/// A public holiday or a 调休 make-up day, county-wide.
final class HolidayDay: Model, @unchecked Sendable {
    static let schema = "holiday_days"

    @ID(key: .id) var id: UUID?
    @Field(key: "day") var day: String
    /// `holiday` or `makeup`.
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String

    init() {}
}

/// What a place is.
enum PlaceKind: String, CaseIterable, Sendable {
    case clinic, pharmacy, canteen, supermarket, repair, elderlyCare = "elderly_care", childcare, serviceHall = "service_hall"
    case station, partner

    var zh: String {
        switch self {
        case .clinic: "卫生服务站"
        case .pharmacy: "药店"
        case .canteen: "社区食堂"
        case .supermarket: "超市"
        case .repair: "维修"
        case .elderlyCare: "养老服务"
        case .childcare: "四点半课堂"
        case .serviceHall: "便民服务大厅"
        case .station: "红帆驿站"
        case .partner: "合作商家"
        }
    }

    var en: String {
        switch self {
        case .clinic: "Clinic"
        case .pharmacy: "Pharmacy"
        case .canteen: "Canteen"
        case .supermarket: "Supermarket"
        case .repair: "Repairs"
        case .elderlyCare: "Elderly care"
        case .childcare: "After-school care"
        case .serviceHall: "Service hall"
        case .station: "Service station"
        case .partner: "Partner service"
        }
    }

    func label(_ lang: Lang) -> String { lang.t(zh, en) }

    /// Pin colour on the map.
    var colour: String {
        switch self {
        case .clinic, .pharmacy: "#c62828"
        case .canteen, .supermarket: "#ef6c00"
        case .repair: "#5d4037"
        case .elderlyCare, .childcare: "#6a1b9a"
        case .serviceHall, .station: "#1565c0"
        case .partner: "#2e7d32"
        }
    }
}
