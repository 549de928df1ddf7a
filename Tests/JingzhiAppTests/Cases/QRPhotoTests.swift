import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A resident scans the compound's code, reports with a photo from the phone, and is shown the number to keep.
@Suite struct QRPhotoTests {
    @Test func aScanTakesAPhotoAndEndsOnTheNumberToWriteDown() async throws {
        try await withDemoApp { app in
            // setup
            let place = try await QRIntakeTests().compound(app)
            let browser = Browser(app)
            let form = try await browser.get("/c/\(place.code)")
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 1, count: 100))
            // act
            let res = try await PatrolPageTests().multipart(browser, "/c/\(place.code)", fields: [("categoryCode", "huanjing"),
                ("description", "垃圾桶满了没人清"), ("phone", "13712345678"), ("idempotencyKey", "scan-photo")], photo: png)
            let done = try await browser.get(res.headers.first(name: .location) ?? "/")
            // check
            #expect(form.text.contains("enctype=\"multipart/form-data\"") && form.text.contains("name=\"photos[]\""))
            #expect(res.status == .seeOther, "\(res.text.prefix(300))")
            let c = try #require(try await Case.query(on: app.db).filter(\.$channel == "qr").first())
            #expect(try await CasePhoto.query(on: app.db).filter(\.$caseID == c.id!).count() == 1)
            #expect(done.text.contains("您的诉求编号是 \(c.number)，请记下"))
        }
    }
}
