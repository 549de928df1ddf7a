import Foundation
import Fluent
import JingzhiCore
import Vapor

struct TaskClaimDTO: Content {
    let id: UUID
    let kind: String
    let targetId: UUID
    let title: String
    let claimerName: String
    let unit: String
    let claimedAt: Date
    let deadline: Date
    let outcome: String
    let endedAt: Date?
    let note: String
    let logId: UUID?

    init(_ t: TaskClaim) {
        id = t.id!
        kind = t.kindRaw
        targetId = t.targetID
        title = t.title
        claimerName = t.claimerName
        unit = t.unit
        claimedAt = t.claimedAt
        deadline = t.deadline
        outcome = t.outcome
        endedAt = t.endedAt
        note = t.note
        logId = t.logID
    }
}

/// A post or a request the caller may claim.
struct ClaimableDTO: Content {
    let kind: String
    let id: UUID
    let title: String
    /// A post's place, a request's "for whom".
    let detail: String
    let dueDay: String?
}

/// `/api/v1/claims`: 三领 of volunteer posts and small requests by partners and registered party members.
enum ClaimsAPI {
    struct ClaimBody: Content {
        var kind: String?
        var targetId: UUID?
    }

    struct FulfilBody: Content {
        var hours: Double?
        var note: String?
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("claims", use: list)
        api.get("claims", "open", use: open)
        api.post("claims", use: claim)
        api.post("claims", ":id", "fulfil", use: fulfil)
        api.post("claims", ":id", "release", use: release)
    }

    @Sendable static func list(req: Request) async throws -> PageOf<TaskClaimDTO> {
        let page = try PageRequest(req)
        let active = try req.query.get(String?.self, at: "state")
        guard active == nil || active == "" || active == "active" else {
            throw APIError.invalid("state", "状态只能为 active 或留空 (state is active or empty)")
        }
        let (items, total) = try await TaskClaimService(req: req).list(for: try req.requireActor(), activeOnly: active == "active", page: page)
        return PageOf(items: items.map(TaskClaimDTO.init), total: total, page: page.page)
    }

    static func items(_ posts: [VolunteerPost], _ needs: [Need]) -> [ClaimableDTO] {
        posts.map { ClaimableDTO(kind: "post", id: $0.id!, title: $0.title, detail: $0.place, dueDay: nil) }
            + needs.map { ClaimableDTO(kind: "need", id: $0.id!, title: "\($0.title)（\($0.quantity)\($0.unit)）", detail: $0.forWhom, dueDay: $0.dueDay) }
    }

    @Sendable static func open(req: Request) async throws -> [ClaimableDTO] {
        let (posts, needs) = try await TaskClaimService(req: req).claimable(for: try req.requireActor())
        return items(posts, needs)
    }

    @Sendable static func claim(req: Request) async throws -> Response {
        let b = try req.decodeJSON(ClaimBody.self)
        let t = try await TaskClaimService(req: req).claim(kind: b.kind, targetID: b.targetId, by: try req.requireActor())
        return try await TaskClaimDTO(t).encodeResponse(status: .created, for: req)
    }

    @Sendable static func fulfil(req: Request) async throws -> TaskClaimDTO {
        let actor = try req.requireActor()
        let s = TaskClaimService(req: req)
        let t = try await s.load(try req.idParameter(), for: actor)
        let b = try req.decodeJSON(FulfilBody.self)
        return TaskClaimDTO(try await s.fulfil(t, hours: b.hours, note: b.note, by: actor))
    }

    @Sendable static func release(req: Request) async throws -> TaskClaimDTO {
        let actor = try req.requireActor()
        let s = TaskClaimService(req: req)
        return TaskClaimDTO(try await s.release(try await s.load(try req.idParameter(), for: actor), by: actor))
    }
}

extension OpenAPIDocument {
    static let claimOps: [Op] = [
        Op(method: "get", path: "/api/v1/claims", tag: "lists",
           summary: "三领 claims of volunteer posts and small requests: staff see their area's, others their own, newest first: {items,total,page}",
           query: [("state", "string", "active, or empty for all")] + paging, response: "PagedTaskClaims"),
        Op(method: "get", path: "/api/v1/claims/open", tag: "lists",
           summary: "Open volunteer posts and claimable small requests in the caller's area (a partner or registered party member; others 403)",
           response: "[Claimable]"),
        Op(method: "post", path: "/api/v1/claims", tag: "lists",
           summary: "Claim a post or a small request until a deadline (7 days): 409 already_claimed when held; 403 beyond the agreement, after retirement or outside the member's community; 400 not_claimable",
           body: "TaskClaimBody", response: "TaskClaim", status: 201),
        Op(method: "post", path: "/api/v1/claims/{id}/fulfil", tag: "lists",
           summary: "The claimer reports it done with hours: a service log for the community to confirm; a request becomes met, a post opens again. 409 claim_ended",
           body: "TaskClaimFulfil", response: "TaskClaim"),
        Op(method: "post", path: "/api/v1/claims/{id}/release", tag: "lists", summary: "Give a claim up (the claimer) or take it back (staff of its area)",
           response: "TaskClaim"),
    ]

    static var claimSchemas: [String: Any] { [
        "PagedTaskClaims": page3("TaskClaim"),
        "TaskClaim": object(["id": "uuid", "kind": "string", "targetId": "uuid", "title": "string", "claimerName": "string", "unit": "string",
                             "claimedAt": "date-time", "deadline": "date-time", "outcome": "string", "endedAt": "date-time", "note": "string",
                             "logId": "uuid"], required: ["id", "kind", "targetId", "outcome", "deadline"]),
        "TaskClaimBody": object(["kind": "string", "targetId": "uuid"], required: ["kind", "targetId"]),
        "TaskClaimFulfil": object(["hours": "number", "note": "string"], required: ["hours"]),
        "Claimable": object(["kind": "string", "id": "uuid", "title": "string", "detail": "string", "dueDay": "string"], required: ["kind", "id", "title"]),
    ] }
}
