import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// In English, the main pages of every role show Chinese only where it is data: names, addresses, what people wrote.
@Suite struct EnglishPagesTests {
    /// Pages per role; together they cover every feature's main screens.
    static let tours: [(String, [String])] = [
        ("admin", ["/", "/cases", "/org", "/users", "/audit", "/measures", "/reports/monthly", "/command", "/case-categories",
                   "/property", "/property/bills", "/property/ratings", "/patrols", "/visits"]),
        ("gt01_community", ["/", "/cases", "/cases/new", "/cases/hotline", "/residents", "/link-requests", "/visits"]),
        ("gt01_grid", ["/", "/cases", "/patrol", "/residents"]),
        ("property_demo", ["/", "/property", "/property/bills", "/property/cases"]),
        ("resident_demo", ["/", "/my/property", "/notifications", "/account/password"]),
    ]

    /// Detail pages, found in the demo: a case with a history, a community, a household, a compound.
    static func details(_ app: Application, for user: String) async throws -> [String] {
        guard user == "admin" else { return [] }
        var paths: [String] = []
        if let c = try await Case.query(on: app.db).filter(\.$stateRaw != "submitted").sort(\.$number).first() { paths.append("/cases/\(c.id!)") }
        let community = try await app.node("YT-GT-01")
        paths.append("/org/\(community.id!)")
        if let h = try await Household.query(on: app.db).first() { paths.append("/households/\(h.id!)") }
        if let compound = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.compound.rawValue).sort(\.$path).first() {
            paths.append("/property/compounds/\(compound.id!)")
        }
        return paths
    }

    /// Every text value stored in the database: what a page may show in Chinese whatever its language.
    static func data(_ app: Application) async throws -> String {
        let tables = app.db.isPostgres
            ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
            : "SELECT name FROM sqlite_master WHERE type = 'table'"
        var corpus: [String] = []
        for t in try await app.db.sql.raw(SQLQueryString(tables)).all() {
            let name = try t.decode(column: "name", as: String.self)
            for row in try await app.db.sql.raw("SELECT * FROM \(ident: name)").all() {
                for c in row.allColumns { if let v = try? row.decode(column: c, as: String.self), v.contains(where: \.isCJK) { corpus.append(v) } }
            }
        }
        return corpus.joined(separator: "\n")
    }

    /// The visible text of a page: no tags, scripts or styles; attributes that people read (titles, labels) kept.
    static func visibleText(_ html: String) -> String {
        var s = html.replacingOccurrences(of: #"<(script|style)[^>]*>[\s\S]*?</\1>"#, with: " ", options: .regularExpression)
        s = s.replacingOccurrences(of: #"(?:aria-label|title|placeholder|alt)="([^"]*)""#, with: ">$1<", options: .regularExpression)
        s = s.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        for (e, c) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] { s = s.replacingOccurrences(of: e, with: c) }
        return s
    }

    /// Runs of Chinese characters on the page that are not data.
    static func untranslated(_ html: String, data: String) -> [String] {
        let allowed: Set<String> = ["中文"]  // the switch back to Chinese
        var runs: [String] = [], run = ""
        // The ideographic space indents tree options; it is white space, not text.
        for ch in visibleText(html).replacingOccurrences(of: "\u{3000}", with: " ") + " " {
            if ch.isCJK { run.append(ch); continue }
            if !run.isEmpty { runs.append(run); run = "" }
        }
        return Array(Set(runs.filter { !allowed.contains($0) && !data.contains($0) })).sorted()
    }

    @Test(arguments: tours.map(\.0))
    func everyMainPageOfARoleIsInEnglish(_ user: String) async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login(user)
            try await browser.get("/lang/en?back=/")
            let data = try await Self.data(app)
            for path in Self.tours.first { $0.0 == user }!.1 + (try await Self.details(app, for: user)) {
                // act
                let page = try await browser.get(path)
                // check
                #expect(page.status == .ok, "\(user) \(path): \(page.status)")
                let left = Self.untranslated(page.text, data: data)
                #expect(left.isEmpty, "\(user) \(path) shows Chinese that is not data: \(left.joined(separator: " · "))")
            }
        }
    }

    @Test func theCheckItselfCatchesALabelLeftInChinese() {
        #expect(Self.untranslated("<h1>办结率</h1><p title=\"提交\">Cases of 张三</p>", data: "张三") == ["办结率", "提交"])
        #expect(Self.untranslated("<a href=\"/lang/zh\">中文</a><script>var a='中文标签'</script>", data: "").isEmpty)
    }
}

extension Character {
    /// A Han character or CJK punctuation.
    var isCJK: Bool {
        unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) || (0x3000...0x303F).contains($0.value) || (0xFF01...0xFF5E).contains($0.value) }
    }
}
