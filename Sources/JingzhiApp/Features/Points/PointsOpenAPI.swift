import Foundation
import JingzhiCore

/// The points operations of `/openapi.json`.
extension OpenAPIDocument {
    static let pointsOps: [Op] = [
        Op(method: "post", path: "/api/v1/points/awards", tag: "points",
           summary: "Award points to a resident in your scope (staff). A repeated sourceRef or Idempotency-Key pays nothing more and answers 200 with the first entry",
           body: "PointsAwardBody", response: "PointsEntry", status: 201, alsoStatus: 200),
        Op(method: "post", path: "/api/v1/points/entries/{id}/reverse", tag: "points",
           summary: "Reverse an award with a reason (staff); once only, 409 insufficient_points when the resident has spent them",
           body: "PointsReverseBody", response: "PointsEntry", status: 201),
        Op(method: "get", path: "/api/v1/points/accounts/me", tag: "points", summary: "Your passbook: balance and entries, newest first (residents)",
           query: paging, response: "PointsPassbook"),
        Op(method: "get", path: "/api/v1/points/accounts/{id}", tag: "points", summary: "A resident's passbook (staff in scope; the resident)",
           query: paging, response: "PointsPassbook"),
        Op(method: "get", path: "/api/v1/points/goods", tag: "points", summary: "Goods of the points supermarket at a node (default: your community)",
           query: [("node", "string", "Node id or code")] + paging, response: "PagedPointsGoods"),
        Op(method: "post", path: "/api/v1/points/goods", tag: "points", summary: "Offer goods in a community (staff)", body: "PointsGoodsBody",
           response: "PointsGoods", status: 201),
        Op(method: "patch", path: "/api/v1/points/goods/{id}", tag: "points", summary: "Change goods: name, price, stock, limit, on offer (staff)",
           body: "PointsGoodsBody", response: "PointsGoods"),
        Op(method: "get", path: "/api/v1/points/redemptions", tag: "points", summary: "Redemptions: yours (residents) or in your scope (staff, merchants)",
           query: [("code", "string", "核销码"), ("state", "string", "pending, collected, cancelled or expired")] + paging, response: "PagedPointsRedemptions"),
        Op(method: "post", path: "/api/v1/points/redemptions", tag: "points",
           summary: "Redeem goods (residents): points and stock are held at once; 409 insufficient_points, out_of_stock or monthly_limit holds nothing. Idempotency-Key makes retries return the first redemption (200)",
           body: "PointsRedeemBody", response: "PointsRedemption", status: 201, alsoStatus: 200),
        Op(method: "post", path: "/api/v1/points/redemptions/{id}/collect", tag: "points", summary: "Hand over the goods (staff, merchants): the redemption is posted",
           response: "PointsRedemption"),
        Op(method: "post", path: "/api/v1/points/redemptions/{id}/cancel", tag: "points", summary: "Cancel a pending redemption (the resident, staff): points and stock return",
           response: "PointsRedemption"),
    ]

    static var pointsSchemas: [String: Any] { [
        "PointsAwardBody": bounded(object(["residentId": "uuid", "points": "integer", "reason": "string", "sourceRef": "string?"],
                                          required: ["residentId", "points", "reason"]), ["points": 1...PointsService.maxAward]),
        "PointsReverseBody": object(["reason": "string"], required: ["reason"]),
        "PointsEntry": object(["id": "uuid", "kind": "string", "points": "integer", "reason": "string", "sourceRef": "string?", "reverses": "uuid?",
                               "createdAt": "date-time", "repeated": "boolean"], required: ["id", "kind", "points", "reason"]),
        "PointsPassbookEntry": object(["id": "uuid", "kind": "string", "points": "integer", "reason": "string", "createdAt": "date-time"]),
        "PointsPassbook": object(["residentId": "uuid", "name": "string", "balance": "integer", "entries": "[PointsPassbookEntry]",
                                  "total": "integer", "page": "integer", "per": "integer"], required: ["balance", "entries", "total", "page"]),
        "PointsGoods": object(["id": "uuid", "communityId": "uuid", "name": "string", "description": "string", "pricePoints": "integer",
                               "stock": "integer", "monthlyLimit": "integer", "active": "boolean"], required: ["id", "name", "pricePoints", "stock"]),
        "PagedPointsGoods": paged("PointsGoods"),
        "PointsGoodsBody": bounded(object(["node": "string", "name": "string", "description": "string", "pricePoints": "integer", "stock": "integer",
                                           "monthlyLimit": "integer", "active": "boolean"]),
                                   ["pricePoints": 1...100_000, "stock": 0...100_000, "monthlyLimit": 0...1000]),
        "PointsRedeemBody": bounded(object(["goodsId": "uuid", "quantity": "integer"], required: ["goodsId"]), ["quantity": 1...100]),
        "PointsRedemption": object(["id": "uuid", "goodsId": "uuid", "goodsName": "string", "residentId": "uuid", "quantity": "integer",
                                    "points": "integer", "state": "string", "code": "string", "version": "integer", "createdAt": "date-time",
                                    "closedAt": "date-time"], required: ["id", "state", "code"]),
        "PagedPointsRedemptions": paged("PointsRedemption"),
    ] }
}
