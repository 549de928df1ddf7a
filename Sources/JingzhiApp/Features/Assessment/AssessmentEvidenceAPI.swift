import Fluent
import Foundation
import JingzhiCore
import Vapor

struct AssessmentEvidenceDTO: Content {
    let id: UUID
    let indicator: String
    let name: String
    let contentType: String
    let size: Int
    let createdAt: Date
}

/// Evidence through the API. `POST /api/v1/assessment/results/{id}/evidence?indicator=&score=&note=&name=`: the unit
/// self-scores an indicator with one file as the body, or with several as `multipart/form-data` (`files[]`, and
/// `indicator`, `score`, `note` as fields) — each a picture or a PDF by its bytes, at most 5 MB (else 422
/// `not_image_or_pdf`); `score` omitted keeps the unit's own score, with none yet it is 422. `GET` lists the files;
/// `DELETE …/evidence/{file}` removes one while the result is still a draft (409 once submitted or published).
enum AssessmentEvidenceAPI {
    static func register(_ a: any RoutesBuilder) {
        a.on(.POST, "results", ":id", "evidence", body: .collect(maxSize: "30mb"), use: upload)
        a.get("results", ":id", "evidence", use: list)
        a.delete("results", ":id", "evidence", ":file", use: remove)
    }

    struct Multi: Content {
        var indicator: String?
        var score: String?
        var note: String?
        var files: [File]?
    }

    @Sendable static func upload(req: Request) async throws -> AssessmentResultDTO {
        let service = AssessmentService(req: req)
        let (r, res, role) = try await service.result(try req.idParameter(), for: try req.requireActor())
        var code = try req.query.get(String?.self, at: "indicator")
        var rawScore = try req.query.get(String?.self, at: "score")
        var note = try req.query.get(String?.self, at: "note")
        var files: [(name: String, data: Data)] = []
        if req.headers.contentType?.type == "multipart" {
            let m = try req.content.decode(Multi.self)
            code = m.indicator ?? code
            rawScore = m.score ?? rawScore
            note = m.note ?? note
            files = (m.files ?? []).filter { $0.data.readableBytes > 0 }.map { (name: $0.filename, data: Data(buffer: $0.data)) }
        } else if let body = req.body.data, body.readableBytes > 0 {
            let name = (try req.query.get(String?.self, at: "name")).flatMap { $0.isEmpty ? nil : $0 } ?? "evidence"
            files = [(name: name, data: Data(buffer: body))]
        }
        guard let code, !code.isEmpty else { throw APIError.missing("indicator") }
        guard !files.isEmpty else { throw APIError.missing("file") }
        let entry = try await service.entries(of: res)[code]
        var score: Double?
        if let raw = rawScore, !raw.isEmpty {
            guard let x = Double(raw) else { throw APIError.invalid("score", "分值须为数字 (score: a number)") }
            score = x
        }
        try await service.selfScore(r, res, role: role, indicator: code, score: score ?? entry?.selfScore, note: note ?? entry?.selfNote, files: files)
        guard let fresh = try await AssessmentResult.find(res.id, on: req.db) else { throw APIError.notFound }
        return try await AssessmentAPI.dto(service, r, fresh)
    }

    @Sendable static func list(req: Request) async throws -> [String: [AssessmentEvidenceDTO]] {
        let service = AssessmentService(req: req)
        let (_, res, _) = try await service.result(try req.idParameter(), for: try req.requireActor())
        let codes = Dictionary(uniqueKeysWithValues: try await service.entries(of: res).values.map { ($0.id!, $0.indicator) })
        return ["items": try await service.evidence(of: res).values.flatMap { $0 }.sorted { $0.createdAt < $1.createdAt }.map {
            AssessmentEvidenceDTO(id: $0.id!, indicator: codes[$0.entryID] ?? "", name: $0.fileName, contentType: $0.contentType, size: $0.size, createdAt: $0.createdAt)
        }]
    }

    @Sendable static func remove(req: Request) async throws -> HTTPStatus {
        let service = AssessmentService(req: req)
        let (r, res, role) = try await service.result(try req.idParameter(), for: try req.requireActor())
        try await service.removeEvidence(r, res, role: role, file: try req.idParameter("file"))
        return .noContent
    }
}
