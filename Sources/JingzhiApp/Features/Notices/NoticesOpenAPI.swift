import Foundation
import JingzhiCore

/// The notice operations of `/openapi.json`.
extension OpenAPIDocument {
    static let noticeOps: [Op] = [
        Op(method: "get", path: "/api/v1/notices", tag: "notices",
           summary: "The newest notices that concern your area (sent from it or aimed at it); staff and grid workers", response: "[Notice]"),
        Op(method: "post", path: "/api/v1/notices", tag: "notices",
           summary: "Send a notice (street and community staff, admins): targets inside your area (404 unknown_node otherwise), tags narrow residents; published now, or at publishAt by the scheduler. 422 reaches_nobody",
           body: "NoticeBody", response: "Notice", status: 201),
        Op(method: "post", path: "/api/v1/notices/preview", tag: "notices",
           summary: "How many people a notice would reach now: the query publishing runs", body: "NoticeBody", response: "NoticeReach"),
        Op(method: "get", path: "/api/v1/notices/{id}", tag: "notices", summary: "A notice (staff whose area it concerns; recipients while it is live)", response: "Notice"),
        Op(method: "post", path: "/api/v1/notices/{id}/publish", tag: "notices",
           summary: "Publish a scheduled notice now; a published one is returned as it is (a retry writes nothing twice)", body: "NoticeAction", response: "Notice"),
        Op(method: "post", path: "/api/v1/notices/{id}/withdraw", tag: "notices",
           summary: "Withdraw with a reason (note); kept in the record, gone for recipients (409 illegal_transition, 409 notice_changed)", body: "NoticeAction", response: "Notice"),
        Op(method: "get", path: "/api/v1/notices/{id}/receipts", tag: "notices",
           summary: "Reach, read, acknowledged and delivered in person, in your area and per grid", response: "NoticeReceipts"),
        Op(method: "get", path: "/api/v1/me/notices", tag: "notices", summary: "The live notices sent to me: pinned first, then unread", response: "[Notice]"),
        Op(method: "post", path: "/api/v1/me/notices/{id}/read", tag: "notices", summary: "Mark a notice sent to me read (404 when it is not)", response: "Notice"),
        Op(method: "post", path: "/api/v1/me/notices/{id}/ack", tag: "notices",
           summary: "Acknowledge an urgent notice sent to me (409 no_ack_needed for others)", response: "Notice"),
    ]

    static var noticeSchemas: [String: Any] { [
        "NoticeTarget": object(["nodeId": "uuid", "tags": "[string]"], required: ["nodeId"]),
        "NoticeBody": object(["title": "string", "body": "string", "targets": "[NoticeTarget]", "audiences": "[string]", "urgent": "boolean",
                              "pinned": "boolean", "public": "boolean", "publishAt": "date-time", "expiresAt": "date-time"],
                             required: ["title", "body", "targets"]),
        "Notice": object(["id": "uuid", "title": "string", "body": "string", "state": "string", "urgent": "boolean", "pinned": "boolean",
                          "isPublic": "boolean", "audiences": "[string]", "publishAt": "date-time", "publishedAt": "date-time",
                          "expiresAt": "date-time", "recipients": "integer", "version": "integer", "readAt": "date-time", "ackedAt": "date-time"],
                         required: ["id", "title", "state", "recipients", "version"]),
        "NoticeReach": object(["recipients": "integer"], required: ["recipients"]),
        "NoticeAction": object(["version": "integer", "note": "string"]),
        "NoticeGridReceipt": object(["gridId": "uuid", "name": "string", "recipients": "integer", "read": "integer", "acknowledged": "integer",
                                     "delivered": "integer", "unreached": "integer"], required: ["recipients", "read"]),
        "NoticeReceipts": object(["noticeId": "uuid", "recipients": "integer", "read": "integer", "acknowledged": "integer", "delivered": "integer",
                                  "unreached": "integer", "grids": "[NoticeGridReceipt]"], required: ["noticeId", "recipients", "read", "grids"]),
    ] }
}
