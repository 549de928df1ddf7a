import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// "Our partners" in the services directory, through the directory's extension point.
@Suite struct PartnerDirectoryTests {
    @Test func theServicesDirectoryLinksOurPartners() async throws {
        try await withDemoApp { app in
            // act
            let page = try await WebSession.login(app, "resident_demo").get("/services/nearby")
            // check
            #expect(page.status == .ok)
            #expect(page.text.contains("更多服务") && page.text.contains("href=\"/our-partners\"") && page.text.contains("我们的合伙人"))
            #expect(app.directoryLinks.count >= 1, "registered by the Partners feature, not imported by Services")
        }
    }
}
