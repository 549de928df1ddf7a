import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The API's self-assessment with evidence: a picture or a PDF as the body, checked by its bytes and size; other
/// units, residents and a published round refused.
@Suite struct AssessmentEvidenceAPITests {
    @Test func theUnitSelfScoresWithAPictureAndAPdfAndBadFilesAreRefused() async throws {
        try await withDemoApp { app in
            let r = try await AssessmentFixture.round(app)
            let gt01 = try await AssessmentFixture.result(app, r, "YT-GT-01")
            let me = try await app.token("gt01_community")
            func upload(_ query: String, _ data: Data, token: String) async throws -> TestingHTTPResponse {
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .contentType, value: "application/octet-stream")
                var captured: TestingHTTPResponse?
                try await app.testing().test(.POST, "/api/v1/assessment/results/\(gt01.id!)/evidence?\(query)", beforeRequest: { req in
                    req.headers = headers
                    req.headers.bearerAuthorization = BearerAuthorization(token: token)
                    req.body = ByteBuffer(bytes: Array(data))
                }, afterResponse: { captured = $0 })
                return try #require(captured)
            }
            let pdf = Data("%PDF-1.4\n1 0 obj\n".utf8)
            // refused: no score yet, not a picture or PDF, over 5 MB, another community, a resident
            let noScore = try await upload("indicator=a2&name=photo.png", AssessmentFixture.png, token: me)
            let text = try await upload("indicator=a2&score=80", Data("just text".utf8), token: me)
            let big = try await upload("indicator=a2&score=80", AssessmentFixture.png + Data(count: 5 * 1024 * 1024), token: me)
            let other = try await upload("indicator=a2&score=80", AssessmentFixture.png, token: try await app.token("bh01_community"))
            let resident = try await upload("indicator=a2&score=80", AssessmentFixture.png, token: try await app.token("resident_demo"))
            let computed = try await upload("indicator=a1&score=80", AssessmentFixture.png, token: me)
            #expect(noScore.status == .unprocessableEntity)
            #expect(text.status == .unprocessableEntity && text.text.contains("not_image_or_pdf"))
            #expect(big.status == .unprocessableEntity)
            #expect(other.status == .notFound)
            #expect(resident.status == .notFound || resident.status == .forbidden)
            #expect(computed.status == .unprocessableEntity)
            #expect(try await AssessmentEvidence.query(on: app.db).filter(\.$resultID == gt01.id!).count() == 0)
            // act: a photo with the score, then a PDF keeping it
            let photo = try await upload("indicator=a2&score=80&note=%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87&name=site.png", AssessmentFixture.png, token: me)
            let report = try await upload("indicator=a2&name=report.pdf", pdf, token: me)
            // check: both kept with their types; the score and note stand
            #expect(photo.status == .ok && report.status == .ok)
            let files = try await AssessmentEvidence.query(on: app.db).filter(\.$resultID == gt01.id!).sort(\.$createdAt).all()
            #expect(Set(files.map(\.contentType)) == ["image/png", "application/pdf"] && Set(files.map(\.fileName)) == ["site.png", "report.pdf"])
            let entry = try await AssessmentService(app: app, now: app.clock.now()).entries(of: gt01)["a2"]
            #expect(entry?.selfScore == 80 && entry?.selfNote == "现场照片")
            // a published round takes no more evidence
            for code in ["YT-GT-01", "YT-GT-02", "YT-BH-01", "YT-BH-02"] { try await AssessmentFixture.complete(app, r, code, bonus: false) }
            try await AssessmentService(app: app, now: app.clock.now()).publish(try #require(try await AssessmentRound.find(r.id, on: app.db)), role: .system)
            #expect(try await upload("indicator=a2&score=90", AssessmentFixture.png, token: me).status == .conflict)
            // the OpenAPI document names the operation
            let doc = try await app.api(.GET, "/openapi.json", token: nil)
            let paths = try #require(try doc.json()["paths"] as? [String: Any])
            let op = (paths["/api/v1/assessment/results/{id}/evidence"] as? [String: Any])?["post"] as? [String: Any]
            let body = (op?["requestBody"] as? [String: Any])?["content"] as? [String: Any]
            #expect(body?["application/pdf"] != nil && body?["image/*"] != nil)
        }
    }
}
