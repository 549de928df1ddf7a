import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Shared steps of the property tests, on the tiny demo (two companies; property_demo works for 幸福家园物业).
enum PropertyFixture {
    static func company(_ app: Application, _ prefix: String) async throws -> PropertyCompany {
        try #require(try await PropertyCompany.query(on: app.db).all().first { $0.name.hasPrefix(prefix) })
    }

    static func homeCompany(_ app: Application) async throws -> PropertyCompany { try await company(app, "幸福家园") }
    static func otherCompany(_ app: Application) async throws -> PropertyCompany { try await company(app, "鱼台县城投") }

    /// The compounds a company serves under its contracts, in path order.
    static func compounds(of company: PropertyCompany, _ app: Application) async throws -> [OrgNode] {
        let ids = try await PropertyContract.query(on: app.db).filter(\.$companyID == company.id!).all().map(\.compoundID)
        return try await OrgNode.query(on: app.db).filter(\.$id ~~ ids).sort(\.$path).all()
    }

    /// A property-staff account working for `company` (created through the accounts service, linked through the API).
    static func staff(_ app: Application, for company: PropertyCompany, username: String) async throws -> String {
        let home = try await compounds(of: company, app).first
        let user = try await AccountService(app: app).createUser(username: username, password: DemoSeeder.password, role: .propertyStaff,
                                                                 node: home, displayName: username, phone: nil, creator: nil, source: .cli("test"))
        let res = try await app.api(.POST, "/api/v1/property/companies/\(company.id!)/staff", token: try await app.token("admin"),
                                    json: #"{"userId":"\#(user.id!)"}"#)
        #expect(res.status == .noContent, "link staff: \(res.text)")
        return try await app.token(username)
    }

    /// The 物业服务费 item (per m²) of a company.
    static func serviceFee(_ app: Application, of company: PropertyCompany) async throws -> FeeItem {
        try #require(try await FeeItem.query(on: app.db).filter(\.$companyID == company.id!).filter(\.$basis == "per_m2").first())
    }

    static func generate(_ app: Application, token: String, compound: OrgNode, item: FeeItem, period: String) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/property/compounds/\(compound.id!)/bills", token: token,
                          json: #"{"feeItemId":"\#(item.id!)","period":"\#(period)"}"#)
    }

    static func pay(_ app: Application, token: String, bill: UUID, _ json: String) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/property/bills/\(bill)/payments", token: token, json: json)
    }

    /// The resident_demo's household and compound.
    static func residentHome(_ app: Application) async throws -> (Household, OrgNode) {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
        let resident = try #require(try await Resident.find(user.residentID, on: app.db))
        let household = try #require(try await Household.find(resident.householdID, on: app.db))
        let node = try #require(try await OrgNode.find(household.nodeID, on: app.db))
        let compound = try #require(try await OrgService(db: app.db, now: Date()).ancestors(of: node).last { $0.kind == .compound })
        return (household, compound)
    }

    static func audit(_ app: Application, entity: String, action: String) async throws -> [AuditEntry] {
        try await AuditEntry.query(on: app.db).filter(\.$entity == entity).filter(\.$action == action).all()
    }
}

extension ShanghaiTime {
    /// `yyyy-MM-dd HH:mm` read as Shanghai time.
    static func instant(_ text: String) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }
}
