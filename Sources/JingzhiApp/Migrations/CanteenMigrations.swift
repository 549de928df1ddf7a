import Fluent
import JingzhiCore
import SQLKit

/// Community canteens, their menus per day and meal with dishes and prices per diner type, residents' orders.
struct M097CreateCanteen: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Canteen.schema).id()
            .field("name", .string, .required).field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required).field("address", .string, .required).field("cutoff_hour", .int, .required)
            .unique(on: "node_id").create()
        try await db.schema(CanteenMenu.schema).id()
            .field("canteen_id", .uuid, .required, .references(Canteen.schema, "id", onDelete: .cascade))
            .field("day", .string, .required).field("meal", .string, .required).field("closed", .bool, .required).field("note", .string, .required)
            .unique(on: "canteen_id", "day", "meal").create()
        try await db.schema(CanteenDish.schema).id()
            .field("menu_id", .uuid, .required, .references(CanteenMenu.schema, "id", onDelete: .cascade))
            .field("name", .string, .required).field("price_standard", .int, .required).field("price_over60", .int, .required)
            .field("price_over80", .int, .required).field("price_assisted", .int, .required).field("sold_out", .bool, .required)
            .field("sort_order", .int, .required).create()
        try await createIndex("canteen_dishes_menu", on: CanteenDish.schema, ["menu_id"], db: db)
        try await db.schema(CanteenOrder.schema).id()
            .field("menu_id", .uuid, .required, .references(CanteenMenu.schema, "id"))
            .field("dish_id", .uuid, .required, .references(CanteenDish.schema, "id"))
            .field("canteen_id", .uuid, .required, .references(Canteen.schema, "id"))
            .field("day", .string, .required).field("meal", .string, .required)
            .field("resident_id", .uuid, .required, .references(Resident.schema, "id")).field("resident_name", .string, .required)
            .field("node_path", .path(on: db), .required).field("diner_type", .string, .required).field("quantity", .int, .required)
            .field("price", .int, .required).field("delivery", .bool, .required).field("address", .string, .required)
            .field("state", .string, .required).field("courier_id", .uuid).field("courier_name", .string).field("delivered_at", .datetime)
            .field("created_at", .datetime, .required).create()
        try await createIndex("canteen_orders_day", on: CanteenOrder.schema, ["canteen_id", "day"], db: db)
        try await createIndex("canteen_orders_resident", on: CanteenOrder.schema, ["resident_id", "day"], db: db)
        try await createIndex("canteen_orders_courier", on: CanteenOrder.schema, ["courier_id", "day"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(CanteenOrder.schema).delete()
        try await db.schema(CanteenDish.schema).delete()
        try await db.schema(CanteenMenu.schema).delete()
        try await db.schema(Canteen.schema).delete()
    }
}
