import Foundation
import Fluent
import JingzhiCore
import Vapor

/// The community canteen (社区食堂 / 孝贤大食堂): daily menus per meal with prices per kind of diner, sold-out marks and
/// closed meals; today's menu on the resident's home; ordering tomorrow's meals before a cut-off with the kitchen's
/// counts; meal delivery (助餐送餐) assigned to a grid worker or volunteer.
enum CanteenFeature: Feature {
    static func configure(_ app: Application) {
        app.homeParts.sections.append(HomeSection(order: 30) { req in try await CanteenPages.homeSection(req) })
        app.homeParts.tiles.append(HomeTile(order: 47, essential: true) { req in
            guard let actor = req.actor, try await CanteenPages.mine(req, actor) != nil else { return nil }
            return (SiteURL.Canteen.index.path, req.t("社区食堂", "Canteen"), nil)
        })
    }

    static func routes(_ g: RouteGroups) throws {
        CanteenPages.register(g.staff)
        CanteenAPI.register(g.apiAuthed)
    }

    static let navigation: [NavItem] = [
        navLink(152, .service) { CanteenService.keeperRoles.contains($0.role) ? (SiteURL.Canteen.index.path, "社区食堂", "Canteen") : nil },
        navLink(153, .service) { [.gridWorker, .partner].contains($0.role) ? (SiteURL.Canteen.deliveries.path, "送餐任务", "Meal deliveries") : nil },
    ]

    static let pathColumns = [PathColumn(Canteen.schema), PathColumn(CanteenOrder.schema)]

    static let fieldNames: [String: FieldName] = [
        "dishId": FieldName("菜品", "Dish"), "quantity": FieldName("份数", "Portions"), "dishes": FieldName("菜品", "Dishes"),
        "meal": FieldName("餐次", "Meal"), "courierId": FieldName("送餐人", "Courier"), "communityId": FieldName("社区", "Community"),
        "cutoffHour": FieldName("订餐截止", "Cut-off"),
    ]
}

/// `/api/v1/canteen`: my canteen's menus and my orders (residents), menus, counts and deliveries (staff).
enum CanteenAPI {
    struct DishDTO: Content {
        let id: UUID
        let name: String
        let price: Int
        let prices: [String: Int]
        let soldOut: Bool
    }

    struct MealDTO: Content {
        let meal: String
        let published: Bool
        let closed: Bool
        let note: String
        let dishes: [DishDTO]
    }

    struct DayDTO: Content {
        let canteen: String
        let day: String
        let orderBy: Date
        let meals: [MealDTO]
    }

    struct OrderBody: Content {
        var dishId: UUID?
        var quantity: Int?
        var delivery: Bool?
    }

    struct OrderDTO: Content {
        let id: UUID
        let day: String
        let meal: String
        let dishId: UUID
        let quantity: Int
        let price: Int
        let dinerType: String
        let delivery: Bool
        let state: String

        init(_ o: CanteenOrder) {
            id = o.id!
            day = o.day
            meal = o.meal
            dishId = o.dishID
            quantity = o.quantity
            price = o.price
            dinerType = o.dinerType
            delivery = o.delivery
            state = o.state
        }
    }

    static func register(_ api: any RoutesBuilder) {
        let c = api.grouped("canteen")
        c.get("menus", use: menus)
        c.post("orders", use: order)
        c.get("orders", use: mine)
        c.post("orders", ":id", "cancel", use: cancel)
    }

    @Sendable static func menus(req: Request) async throws -> DayDTO {
        let actor = try req.requireActor()
        guard let (c, _, diners) = try await CanteenPages.mine(req, actor) else { throw APIError.notFound }
        let raw = (try? req.query.get(String?.self, at: "day")) ?? nil
        let day = raw?.isEmpty == false ? try ShanghaiTime.parseDay(raw, field: "day") : ShanghaiTime.today(req.now)
        let meals = try await CanteenService(req: req).day(c, day).map { m in
            MealDTO(meal: m.meal.rawValue, published: m.menu != nil, closed: m.menu?.closed ?? false, note: m.menu?.note ?? "",
                    dishes: m.dishes.map { d in
                        DishDTO(id: d.id!, name: d.name, price: CanteenService.price(d, for: diners).0,
                                prices: Dictionary(uniqueKeysWithValues: DinerType.allCases.map { ($0.rawValue, d.price(for: $0)) }), soldOut: d.soldOut)
                    })
        }
        return DayDTO(canteen: c.name, day: day, orderBy: CanteenService.cutoff(c, day: day), meals: meals)
    }

    @Sendable static func order(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(OrderBody.self)
        let o = try await CanteenService(req: req).order(dishID: b.dishId, quantity: b.quantity, delivery: b.delivery ?? false, by: actor)
        return try await OrderDTO(o).encodeResponse(status: .created, for: req)
    }

    @Sendable static func mine(req: Request) async throws -> [OrderDTO] {
        let actor = try req.requireActor()
        guard let rid = actor.user.residentID else { return [] }
        return try await CanteenOrder.query(on: req.db).filter(\.$residentID == rid).sort(\.$day, .descending).limit(100).all().map(OrderDTO.init)
    }

    @Sendable static func cancel(req: Request) async throws -> OrderDTO {
        let actor = try req.requireActor()
        guard let o = try await CanteenOrder.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        try await CanteenService(req: req).cancel(o, by: actor)
        return OrderDTO(o)
    }
}

extension OpenAPIDocument {
    static let canteenOps: [Op] = [
        Op(method: "get", path: "/api/v1/canteen/menus", tag: "canteen",
           summary: "My community canteen's menus of a day (default today): each meal published, closed or with dishes, my price and every diner type's, sold-out marks, the order cut-off",
           query: [("day", "string", "yyyy-MM-dd")], response: "CanteenDay"),
        Op(method: "post", path: "/api/v1/canteen/orders", tag: "canteen",
           summary: "Order a dish for a later day before the cut-off, at my lowest price (422 after_cutoff, closed_day, sold_out; 409 already_ordered)",
           body: "CanteenOrderBody", response: "CanteenOrder", status: 201),
        Op(method: "get", path: "/api/v1/canteen/orders", tag: "canteen", summary: "My orders, newest day first", response: "[CanteenOrder]"),
        Op(method: "post", path: "/api/v1/canteen/orders/{id}/cancel", tag: "canteen", summary: "Cancel my order before the cut-off", response: "CanteenOrder"),
    ]

    static var canteenSchemas: [String: Any] { [
        "CanteenDish": object(["id": "uuid", "name": "string", "price": "integer", "prices": "CanteenPrices", "soldOut": "boolean"], required: ["id", "name", "price"]),
        "CanteenPrices": object(["standard": "integer", "over60": "integer", "over80": "integer", "assisted": "integer"]),
        "CanteenMeal": object(["meal": "string", "published": "boolean", "closed": "boolean", "note": "string", "dishes": "[CanteenDish]"],
                              required: ["meal", "published", "closed", "dishes"]),
        "CanteenDay": object(["canteen": "string", "day": "string", "orderBy": "date-time", "meals": "[CanteenMeal]"], required: ["day", "meals"]),
        "CanteenOrderBody": object(["dishId": "uuid", "quantity": "integer", "delivery": "boolean"], required: ["dishId"]),
        "CanteenOrder": object(["id": "uuid", "day": "string", "meal": "string", "dishId": "uuid", "quantity": "integer", "price": "integer",
                                "dinerType": "string", "delivery": "boolean", "state": "string"], required: ["id", "day", "price", "state"]),
    ] }
}
