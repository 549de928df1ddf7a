import Fluent
import JingzhiCore
import Vapor

struct SeatDTO: Content {
    let meetingId: UUID
    let residentId: UUID
    let state: String
    /// qr or organiser, once present.
    let channel: String?
    let registeredAt: Date?
    let attendedAt: Date?

    init(_ a: MeetingAttendance) {
        meetingId = a.meetingID
        residentId = a.residentID
        state = a.state
        channel = a.channel
        registeredAt = a.registeredAt
        attendedAt = a.attendedAt
    }
}

/// `/api/v1/meetings/{id}/registration`, `/check-in`, `/attendance`: residents register, cancel and check in with the
/// venue's code; the organiser reads the list and enters attendance.
enum MeetingAttendanceAPI {
    struct CodeBody: Content { var code: String? }
    struct ResidentBody: Content { var residentId: UUID? }

    static func register(_ api: any RoutesBuilder) {
        api.post("meetings", ":id", "registration", use: registerSeat)
        api.post("meetings", ":id", "registration", "cancel", use: cancel)
        api.post("meetings", ":id", "check-in", use: checkIn)
        api.get("meetings", ":id", "attendance", use: list)
        api.post("meetings", ":id", "attendance", use: enter)
    }

    @Sendable static func registerSeat(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let row = try await TopicService(req: req).register(for: try await MinutesAPI.meeting(req, actor), by: actor)
        return try await SeatDTO(row).encodeResponse(status: .created, for: req)
    }

    @Sendable static func cancel(req: Request) async throws -> SeatDTO {
        let actor = try req.requireActor()
        return SeatDTO(try await TopicService(req: req).cancelRegistration(for: try await MinutesAPI.meeting(req, actor), by: actor))
    }

    @Sendable static func checkIn(req: Request) async throws -> SeatDTO {
        let actor = try req.requireActor()
        let m = try await MinutesAPI.meeting(req, actor)
        return SeatDTO(try await TopicService(req: req).checkIn(m, code: try req.decodeJSON(CodeBody.self).code, by: actor))
    }

    @Sendable static func list(req: Request) async throws -> [SeatDTO] {
        let actor = try req.requireActor()
        let m = try await MinutesAPI.meeting(req, actor)
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        return try await TopicService(req: req).attendance(of: m).map(SeatDTO.init)
    }

    @Sendable static func enter(req: Request) async throws -> SeatDTO {
        let actor = try req.requireActor()
        let m = try await MinutesAPI.meeting(req, actor)
        return SeatDTO(try await TopicService(req: req).markAttended(m, residentID: try req.decodeJSON(ResidentBody.self).residentId, by: actor))
    }
}
