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

    /// Several files in one call (multipart), listed; one removed while the unit still self-assesses (API and page);
    /// removal refused to other units, to the reviewer, after submission and after publication; a text file among
    /// pictures refuses the whole upload.
    @Test func severalFilesPerScoreAndRemovalWhileDraft() async throws {
        try await withDemoApp { app in
            let r = try await AssessmentFixture.round(app)
            let gt01 = try await AssessmentFixture.result(app, r, "YT-GT-01")
            let me = try await app.token("gt01_community")
            let pdf = Data("%PDF-1.4\n1 0 obj\n".utf8)
            func multipart(_ files: [(String, Data)], token: String) async throws -> TestingHTTPResponse {
                let boundary = "jzBoundary42"
                var body = Data()
                func part(_ header: String, _ data: Data) {
                    body += Data("--\(boundary)\r\n\(header)\r\n\r\n".utf8) + data + Data("\r\n".utf8)
                }
                part("Content-Disposition: form-data; name=\"indicator\"", Data("a2".utf8))
                part("Content-Disposition: form-data; name=\"score\"", Data("85".utf8))
                for (name, data) in files {
                    part("Content-Disposition: form-data; name=\"files[]\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream", data)
                }
                body += Data("--\(boundary)--\r\n".utf8)
                var captured: TestingHTTPResponse?
                try await app.testing().test(.POST, "/api/v1/assessment/results/\(gt01.id!)/evidence", beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                    req.headers.bearerAuthorization = BearerAuthorization(token: token)
                    req.body = ByteBuffer(bytes: Array(body))
                }, afterResponse: { captured = $0 })
                return try #require(captured)
            }
            func list(_ token: String) async throws -> [[String: Any]] {
                (try await app.api(.GET, "/api/v1/assessment/results/\(gt01.id!)/evidence", token: token).json()["items"] as? [[String: Any]]) ?? []
            }
            // refused: a text file among the pictures keeps none of them
            let mixed = try await multipart([("a.png", AssessmentFixture.png), ("notes.txt", Data("hello".utf8))], token: me)
            #expect(mixed.status == .unprocessableEntity && mixed.text.contains("not_image_or_pdf"))
            #expect(try await list(me).isEmpty)
            // act: three files for one score in one call
            let three = try await multipart([("site.png", AssessmentFixture.png), ("report.pdf", pdf), ("after.png", AssessmentFixture.png)], token: me)
            #expect(three.status == .ok, "\(three.text)")
            let files = try await list(me)
            #expect(files.count == 3 && Set(files.compactMap { $0["name"] as? String }) == ["site.png", "report.pdf", "after.png"])
            #expect(files.allSatisfy { $0["indicator"] as? String == "a2" })
            let ids = files.compactMap { ($0["id"] as? String).flatMap { UUID(uuidString: $0) } }
            // removal refused to another community (404) and to the street reviewing it (403)
            let path = "/api/v1/assessment/results/\(gt01.id!)/evidence/"
            #expect(try await app.api(.DELETE, path + "\(ids[0])", token: try await app.token("bh01_community")).status == .notFound)
            #expect(try await app.api(.DELETE, path + "\(ids[0])", token: try await app.token("gt_street")).status == .forbidden)
            // the unit removes one through the API and one on its page (which shows a remove button while a draft)
            #expect(try await app.api(.DELETE, path + "\(ids[0])", token: me).status == .noContent)
            let web = try await WebSession.login(app, "gt01_community")
            let page = try await web.get("/assessment/results/\(gt01.id!)")
            #expect(page.text.contains("/assessment/results/\(gt01.id!)/evidence/\(ids[1])/remove"))
            #expect(try await web.post("/assessment/results/\(gt01.id!)/evidence/\(ids[1])/remove", []).status == .seeOther)
            #expect(try await list(me).compactMap { $0["id"] as? String } == [ids[2].uuidString])
            #expect(try await AssessmentService(app: app, now: app.clock.now()).entries(of: gt01)["a2"]?.selfScore == 85)
            // after submission the evidence stays: 409, and the page offers no remove button
            try await AssessmentFixture.complete(app, r, "YT-GT-01", bonus: false)
            let late = try await app.api(.DELETE, path + "\(ids[2])", token: me)
            #expect(late.status == .conflict)
            #expect(!(try await web.get("/assessment/results/\(gt01.id!)")).text.contains("/evidence/\(ids[2])/remove"))
            for code in ["YT-GT-02", "YT-BH-01", "YT-BH-02"] { try await AssessmentFixture.complete(app, r, code, bonus: false) }
            try await AssessmentService(app: app, now: app.clock.now()).publish(try #require(try await AssessmentRound.find(r.id, on: app.db)), role: .system)
            #expect(try await app.api(.DELETE, path + "\(ids[2])", token: me).status == .conflict)
            #expect(try await list(me).count == 1)
        }
    }
}
