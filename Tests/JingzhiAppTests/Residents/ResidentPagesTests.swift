import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The register in the browser: search and filters, detail with history, edit, delete with confirmation,
/// households and visits, language, logout, CSRF, and the public grid sign.
@Suite struct ResidentPagesTests {
    /// The residents of 古亭社区 in register order, as the list shows them.
    static func gtResidents(_ app: Application) async throws -> [Resident] {
        let community = try await app.node("YT-GT-01")
        return try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).sort(\.$nodePath).sort(\.$id).all()
    }

    @Test func searchFindsByNameFullPhoneFullIDAndAddress() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let people = try await Self.gtResidents(app)
            let person = try #require(people.first { $0.phone != nil })
            let household = try #require(try await Household.find(person.householdID, on: app.db))
            let foreign = try await app.resident(under: "YT-BH-01")
            // act
            let byName = try await browser.get("/residents?q=" + urlEncode(person.name))
            let byPhone = try await browser.get("/residents?q=" + person.phone!)
            let byID = try await browser.get("/residents?q=" + person.idNumber!.lowercased())
            let byAddress = try await browser.get("/residents?q=" + urlEncode(household.address))
            let byForeignName = try await browser.get("/residents?q=" + urlEncode(foreign.name))
            // check
            for res in [byName, byPhone, byID, byAddress] {
                #expect(res.status == .ok)
                #expect(res.text.contains(">\(person.name)</a>"))
                #expect(res.text.contains(person.idNumber!))   // community staff see the full number
            }
            #expect(byPhone.text.components(separatedBy: "<tr><td data-label").count - 1 == people.filter { $0.phone == person.phone }.count)
            #expect(byID.text.contains("共 1 条"))
            #expect(!byForeignName.text.contains("/residents/\(foreign.id!)\""))
        }
    }

    @Test
    func searchByLastFourDigitsOfThePhoneFindsThePerson() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let person = try #require(try await Self.gtResidents(app).first { $0.phone != nil })
            let tail = String(person.phone!.suffix(4))
            // act
            let res = try await browser.get("/residents?q=\(tail)")
            // check: what the hint promises ("姓名、电话、身份证号或住址"), read out as people do: the last digits
            #expect(res.status == .ok)
            #expect(res.text.contains(">\(person.name)</a>"))
        }
    }

    @Test func filtersByTagGenderAndAge() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let people = try await Self.gtResidents(app)
            let members = people.filter { $0.tagList.contains("党员") }
            let nonMember = try #require(people.first { !$0.tagList.contains("党员") })
            let today = ShanghaiTime.today(app.clock.now())
            func age(_ r: Resident) -> Int { ResidentDTO.age(born: r.birthDate!, now: app.clock.now())! }
            let elderly = people.filter { age($0) >= 80 }
            let children = people.filter { age($0) <= 12 }
            // act
            let tagged = try await browser.get("/residents?per=100&tag=" + urlEncode("党员"))
            let women = try await browser.get("/residents?per=100&gender=" + urlEncode("女"))
            let old = try await browser.get("/residents?per=100&ageMin=80")
            let young = try await browser.get("/residents?per=100&ageMax=12")
            let badTag = try await browser.get("/residents?tag=" + urlEncode("不存在"))
            // check
            #expect(!members.isEmpty && !elderly.isEmpty && !children.isEmpty, "demo data on \(today)")
            #expect(tagged.text.contains("共 \(members.count) 条"))
            #expect(members.allSatisfy { tagged.text.contains(">\($0.name)</a>") })
            #expect(!tagged.text.contains(">\(nonMember.name)</a>") || members.contains { $0.name == nonMember.name })
            #expect(women.text.contains("共 \(people.filter { $0.gender == "女" }.count) 条"))
            #expect(!women.text.contains("<td data-label=\"性别/年龄\">男 "))
            #expect(old.text.contains("共 \(elderly.count) 条"))
            #expect(young.text.contains("共 \(children.count) 条"))
            #expect(badTag.status == .unprocessableEntity)
        }
    }

    @Test func secondPageShowsOtherPeopleAndThePagerTheTotal() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let people = try await Self.gtResidents(app)
            let pages = (people.count + 19) / 20
            // act
            let first = try await browser.get("/residents")
            let second = try await browser.get("/residents?page=2")
            // check
            #expect(first.text.contains("第 1/\(pages) 页，共 \(people.count) 条"))
            #expect(second.text.contains("第 2/\(pages) 页，共 \(people.count) 条"))
            #expect(first.text.contains(">\(people[0].name)</a>"))
            let secondPage = people[20..<40].map(\.id!.uuidString)
            #expect(secondPage.allSatisfy { second.text.contains("/residents/\($0)\"") })
            #expect(!second.text.contains("/residents/\(people[0].id!.uuidString)\""))
            #expect(second.text.contains("rel=\"prev\""))
        }
    }

    @Test func editShowsInHistoryAndABadIDNumberIsRefusedWithNothingSaved() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let person = try await app.resident(under: "YT-GT-01")
            let form = try await browser.get("/residents/\(person.id!)/edit")
            var fields = [("name", person.name), ("idNumber", person.idNumber!), ("gender", ""), ("birthDate", ""),
                          ("phone", person.phone ?? ""), ("relation", person.relation), ("note", "腿脚不便")]
            fields += person.tagList.map { ("tags[]", $0) }
            // act
            let bad = try await browser.post("/residents/\(person.id!)/edit",
                                             fields.map { $0.0 == "idNumber" ? ($0.0, "370827199001051238") : $0 })
            let afterBad = try #require(try await Resident.find(person.id, on: app.db))
            let good = try await browser.post("/residents/\(person.id!)/edit", fields)
            let detail = try await browser.get("/residents/\(person.id!)")
            // check
            #expect(form.status == .ok)
            #expect(form.text.contains("value=\"\(person.idNumber!)\""))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("身份证号无效"))
            #expect(bad.text.contains("value=\"370827199001051238\""))   // what was typed is kept for correcting
            #expect(afterBad.idNumber == person.idNumber)
            #expect(afterBad.note == person.note)
            #expect(good.status == .seeOther)
            #expect(good.headers.first(name: .location) == "/residents/\(person.id!)")
            #expect(detail.text.contains("变更记录"))
            #expect(detail.text.contains("修改居民 \(person.name)"))
            #expect(detail.text.contains("腿脚不便"))
            #expect(try await Resident.find(person.id, on: app.db)?.note == "腿脚不便")
        }
    }

    @Test func deleteAsksForConfirmationThenHidesButKeepsTheRecord() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let person = try await app.resident(under: "YT-GT-01")
            // act
            let confirm = try await browser.get("/residents/\(person.id!)/delete")
            let stillThere = try await Resident.find(person.id, on: app.db)
            let done = try await browser.post("/residents/\(person.id!)/delete", [("reason", "迁出")])
            let list = try await browser.get("/residents?q=" + person.idNumber!)
            let detail = try await browser.get("/residents/\(person.id!)")
            // check
            #expect(confirm.status == .ok)
            #expect(confirm.text.contains("确认注销"))
            #expect(stillThere != nil)
            #expect(done.status == .seeOther)
            #expect(done.headers.first(name: .location) == "/households/\(person.householdID)")
            #expect(list.text.contains("没有符合条件的居民"))
            #expect(detail.status == .notFound)
            let kept = try #require(try await Resident.query(on: app.db).withDeleted().filter(\.$id == person.id!).first())
            #expect(kept.deletedAt != nil)
            #expect(kept.name == person.name)
        }
    }

    @Test func gridWorkerSeesMembersAndLogsAVisitButNotAFutureOne() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_grid")
            let grid = try await app.node("YT-GT-01-G01")
            let household = try #require(try await Household.query(on: app.db).within(DataScope(rootPath: grid.path)).sort(\.$nodePath).first())
            let members = try await Resident.query(on: app.db).filter(\.$householdID == household.id!).all()
            let page = try await browser.get("/households/\(household.id!)")
            let future = ShanghaiTime.today(app.clock.now().addingTimeInterval(10 * 86400))
            let before = try await Visit.query(on: app.db).filter(\.$householdID == household.id!).count()
            // act
            let refused = try await browser.post("/households/\(household.id!)/visits",
                                                 [("visitedOn", future), ("kind", "入户走访"), ("notes", "未来的走访")])
            let saved = try await browser.post("/households/\(household.id!)/visits",
                                               [("visitedOn", ShanghaiTime.today(app.clock.now())), ("kind", "关爱探访"), ("notes", "老人身体尚好")])
            let after = try await browser.get("/households/\(household.id!)")
            // check
            #expect(page.status == .ok)
            #expect(!members.isEmpty && members.allSatisfy { page.text.contains(">\($0.name)</a>") })
            #expect(page.text.contains("记录走访"))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("走访日期不能在未来"))
            #expect(saved.status == .seeOther)
            #expect(try await Visit.query(on: app.db).filter(\.$householdID == household.id!).count() == before + 1)
            #expect(after.text.contains("老人身体尚好"))
            #expect(after.text.contains("关爱探访"))
        }
    }

    @Test
    func visitDatedTomorrowIsRefused() async throws {
        try await withDemoApp { app in
            // setup: noon in Shanghai
            app.clock.set(Date(timeIntervalSince1970: 1_773_115_200)) // 2026-03-10 12:00 +08:00
            let browser = Browser(app)
            try await browser.login("gt01_grid")
            let grid = try await app.node("YT-GT-01-G01")
            let household = try #require(try await Household.query(on: app.db).within(DataScope(rootPath: grid.path)).first())
            try await browser.get("/households/\(household.id!)")
            // act
            let res = try await browser.post("/households/\(household.id!)/visits", [("visitedOn", "2026-03-11"), ("notes", "明天")])
            // check
            #expect(res.status == .unprocessableEntity)
        }
    }

    @Test func englishCookieSwitchesTheLabels() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            // act
            let switched = try await browser.get("/lang/en?back=/residents")
            let page = try await browser.get("/residents")
            let offsite = try await browser.get("/lang/en?back=//evil.example")
            // check
            #expect(switched.status == .seeOther)
            #expect(switched.headers.first(name: .location) == "/residents")
            #expect(switched.headers.setCookie?["lang"]?.string == "en")
            #expect(page.text.contains("Residents"))
            #expect(page.text.contains("Search"))
            #expect(!page.text.contains("居民信息"))
            #expect(offsite.headers.first(name: .location) == "/")
        }
    }

    @Test
    func loginIssuesAFreshSessionID() async throws {
        try await withDemoApp { app in
            // setup: a visitor gets a session cookie from the login form
            let browser = Browser(app)
            try await browser.get("/login")
            let before = try #require(browser.cookies["jingzhi_session"])
            // act
            let res = try await browser.post("/login", [("username", "gt01_community"), ("password", DemoSeeder.password)])
            // check: whoever planted or saw the old cookie must not ride along into the signed-in session
            #expect(res.status == .seeOther)
            #expect(browser.cookies["jingzhi_session"] != before)
            let planted = Browser(app)
            planted.cookies["jingzhi_session"] = before
            #expect(try await planted.get("/residents").status == .seeOther)
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let home = try await browser.get("/")
            let oldCookie = try #require(browser.cookies["jingzhi_session"])
            // act
            let out = try await browser.post("/logout", [])
            let after = try await browser.get("/")
            let replayed = Browser(app)
            replayed.cookies["jingzhi_session"] = oldCookie
            let withOldCookie = try await replayed.get("/residents")
            // check
            #expect(home.status == .ok)
            #expect(out.status == .seeOther)
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location)?.hasPrefix("/login") == true)
            #expect(withOldCookie.status == .seeOther)
            #expect(withOldCookie.headers.first(name: .location) == "/login?next=%2Fresidents")
        }
    }

    @Test func everyFormPostWithoutTheTokenIsRefused() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let person = try await app.resident(under: "YT-GT-01")
            let edits: [(String, [(String, String)])] = [
                ("/residents/\(person.id!)/edit", [("name", "改名")]),
                ("/residents/\(person.id!)/delete", [("reason", "迁出")]),
                ("/households/\(person.householdID)/visits", [("notes", "x")]),
                ("/residents/new", [("household", person.householdID.uuidString), ("name", "新人"), ("gender", "男")]),
                ("/logout", []),
            ]
            for (path, fields) in edits {
                // act
                let res = try await browser.post(path, fields, withCSRF: false)
                let wrong = try await browser.post(path, fields + [("_csrf", "forged")], withCSRF: false)
                // check
                #expect(res.status == .forbidden, "\(path)")
                #expect(res.text.contains("表单已过期"), "\(path)")
                #expect(wrong.status == .forbidden, "\(path)")
            }
            let stranger = Browser(app)
            let login = try await stranger.post("/login", [("username", "admin"), ("password", DemoSeeder.password)], withCSRF: false)
            #expect(login.status == .forbidden)
            let unchanged = try #require(try await Resident.find(person.id, on: app.db))
            #expect(unchanged.name == person.name)
            #expect(try await Resident.query(on: app.db).filter(\.$name == "新人").count() == 0)
            #expect(try await browser.get("/").status == .ok) // the refused logout left the session alone
        }
    }

    @Test func gridSignIsPublicAndOnlyForGrids() async throws {
        try await withDemoApp { app in
            // setup
            let grid = try await app.node("YT-GT-01-G01")
            let workers = try await GridWorker.query(on: app.db).filter(\.$gridID == grid.id!).all()
            let visitor = Browser(app)
            // act
            let sign = try await visitor.get("/sign/YT-GT-01-G01")
            let community = try await visitor.get("/sign/YT-GT-01")
            let unknown = try await visitor.get("/sign/NOPE")
            // check
            #expect(sign.status == .ok)
            #expect(!workers.isEmpty && workers.allSatisfy { sign.text.contains($0.name) && sign.text.contains($0.phone) })
            #expect(sign.text.contains("<svg"))
            #expect(sign.text.contains("古亭社区"))
            #expect(community.status == .notFound)
            #expect(unknown.status == .notFound)
        }
    }
}

// MARK: - A browser for the tests

/// Percent-encodes a query or form value (everything outside the unreserved ASCII set).
func urlEncode(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"))!
}

/// A browser on the test app: keeps cookies between requests and picks the CSRF token out of every page it gets.
final class Browser {
    let app: Application
    var cookies: [String: String] = [:]
    private(set) var csrf: String?

    /// Whether requests go through a real HTTP server on a free port (bodies then arrive in chunks, as in production).
    let live: Bool

    init(_ app: Application, live: Bool = false) {
        self.app = app
        self.live = live
    }

    /// Logs in through the form, as a person would.
    func login(_ username: String, password: String = DemoSeeder.password) async throws {
        // Log in without the live client: it follows the redirect and would drop the new session cookie set on it.
        try await send(.GET, "/login", body: nil, contentType: nil, inProcess: true)
        let form = [("username", username), ("password", password), ("_csrf", try #require(csrf))]
        let res = try await send(.POST, "/login", body: ByteBuffer(string: form.map { urlEncode($0.0) + "=" + urlEncode($0.1) }.joined(separator: "&")),
                                 contentType: .urlEncodedForm, inProcess: true)
        #expect(res.status == .seeOther, "login as \(username)")
        let home = try await get("/") // the next page carries the session's form token
        #expect(home.status == .ok && !home.text.contains("current-password"), "login as \(username)")
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, body: nil, contentType: nil)
    }

    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], withCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var all = fields
        if withCSRF { all.append(("_csrf", try #require(csrf, "no form token seen yet"))) }
        let body = all.map { urlEncode($0.0) + "=" + urlEncode($0.1) }.joined(separator: "&")
        return try await send(.POST, path, body: ByteBuffer(string: body), contentType: .urlEncodedForm)
    }

    /// A `multipart/form-data` post with one file, as the upload form sends it.
    func postFile(_ path: String, file: Data, filename: String = "居民.csv", fields: [(String, String)] = [],
                  withCSRF: Bool = true, field: String = "file", type: String = "text/csv") async throws -> TestingHTTPResponse {
        let boundary = "----JingzhiTest" + UUID().uuidString
        var body = Data()
        func part(_ disposition: String, _ content: Data) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; \(disposition)\r\n\r\n".utf8) + content + Data("\r\n".utf8)
        }
        for (name, value) in fields + (withCSRF ? [("_csrf", try #require(csrf))] : []) { part("name=\"\(name)\"", Data(value.utf8)) }
        part("name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)", file)
        body += Data("--\(boundary)--\r\n".utf8)
        return try await send(.POST, path, body: ByteBuffer(data: body),
                              contentType: HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]))
    }

    @discardableResult
    private func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer?, contentType: HTTPMediaType?,
                      inProcess: Bool = false) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let contentType { headers.contentType = contentType }
        let tester = live && !inProcess ? try app.testing(method: .running(hostname: "127.0.0.1", port: 0)) : try app.testing()
        let res = try await tester.sendRequest(method, path, headers: headers, body: body)
        for (name, value) in res.headers.setCookie?.all ?? [:] {
            if value.string.isEmpty || (value.expires.map { $0 < Date() } ?? false) { cookies[name] = nil } else { cookies[name] = value.string }
        }
        let marker = "name=\"_csrf\" value=\""
        if let start = res.text.range(of: marker), let end = res.text[start.upperBound...].firstIndex(of: "\"") {
            csrf = String(res.text[start.upperBound..<end])
        }
        return res
    }
}
