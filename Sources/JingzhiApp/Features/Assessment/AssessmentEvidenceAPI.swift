import Foundation
import JingzhiCore
import Vapor

/// `POST /api/v1/assessment/results/{id}/evidence?indicator=&score=&note=&name=`: the unit self-scores an indicator
/// with one evidence file as the body (a picture or a PDF by its bytes, at most 5 MB; else 422 `not_image_or_pdf`),
/// as the result page's form does. `score` omitted keeps the unit's own score; with none yet it is 422.
enum AssessmentEvidenceAPI {
    static func register(_ a: any RoutesBuilder) {
        a.on(.POST, "results", ":id", "evidence", body: .collect(maxSize: "6mb"), use: upload)
    }

    @Sendable static func upload(req: Request) async throws -> AssessmentResultDTO {
        let service = AssessmentService(req: req)
        let (r, res, role) = try await service.result(try req.idParameter(), for: try req.requireActor())
        let code = try req.query.get(String?.self, at: "indicator")
        guard let code, !code.isEmpty else { throw APIError.missing("indicator") }
        let entry = try await service.entries(of: res)[code]
        var score: Double?
        if let raw = try req.query.get(String?.self, at: "score"), !raw.isEmpty {
            guard let x = Double(raw) else { throw APIError.invalid("score", "分值须为数字 (score: a number)") }
            score = x
        }
        let note = try req.query.get(String?.self, at: "note") ?? entry?.selfNote
        let name = (try req.query.get(String?.self, at: "name")).flatMap { $0.isEmpty ? nil : $0 } ?? "evidence"
        guard let body = req.body.data, body.readableBytes > 0 else { throw APIError.missing("file") }
        try await service.selfScore(r, res, role: role, indicator: code, score: score ?? entry?.selfScore, note: note,
                                    files: [(name: name, data: Data(buffer: body))])
        guard let fresh = try await AssessmentResult.find(res.id, on: req.db) else { throw APIError.notFound }
        return try await AssessmentAPI.dto(service, r, fresh)
    }
}
