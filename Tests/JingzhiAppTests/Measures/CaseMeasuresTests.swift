import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The case measures, checked figure by figure on cases walked through the loop with a frozen clock.
///
/// The scenario (Asia/Shanghai times; zhian and zaoyin give 1 h to respond and 24 h to reply, maodun 2 h and 72 h,
/// all calendar hours), measured at 2026-11-06 09:30:
///
/// | case | category | where | created | responded | replied (last) | ratings | now |
/// |---|---|---|---|---|---|---|---|
/// | C1 | zhian | 古亭 G01 | 11-02 09:00 | +0.5 | +2 | satisfied | closed, grid |
/// | C2 | zhian | 古亭 G01 | 11-02 10:00 | +1 (at the deadline) | +10 | satisfied | closed, community |
/// | C3 | zhian | 古亭 G01 | 11-02 11:00 | +2 late | +30 late | basically | closed, grid |
/// | C4 | zaoyin | 古亭 G02 | 11-03 09:00 | +0.25 | +4, again +26 late | unsatisfied, satisfied | closed, grid |
/// | C5 | zaoyin | 古亭 G02 | 11-03 10:00 | +0.5 | +6, again +20 | unsatisfied, unsatisfied | closed, grid |
/// | C6 | zhian | 古亭 G01 | 11-03 00:30 | +3 late | +40 late | basically | closed, street (escalated) |
/// | C7 | zhian | 古亭 G01 | 11-04 09:00 | +0.5 | +8 | — | closed by staff, community |
/// | C8 | zhian | 古亭 G01 | 11-04 10:00 | +0.75 | +5 | — | replied |
/// | C9 | zhian | 古亭 G01 | 11-04 11:00 | +1.5 late | — (overdue) | — | in progress |
/// | C10 | maodun | 古亭 G01 | 11-05 00:10 | — (overdue) | — (not yet due) | — | submitted |
/// | C11 | zhian | 古亭 G01 | 11-06 09:00 | — (not yet due) | — | — | submitted |
/// | C12 | zhian | 古亭 G01 | 11-05 10:00 | — | — | — | rejected |
/// | O1 | zhian | 鱼城 G01 | 10-31 23:30 | +0.5 | +3 | satisfied | closed, community |
/// | O2 | zaoyin | 鱼城 G01 | 11-01 00:30 | +2 late | +30 late | unsatisfied | reopened |
/// | B1 | zhian | 站前 G01 | 11-02 09:00 | +0.5 | +10 | — | replied, department 公安 |
@Suite struct CaseMeasuresTests {
    static func shanghai(_ text: String) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = ShanghaiTime.zone
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }

    static let asOf = shanghai("2026-11-06 09:30")

    struct Script {
        let category: String
        /// A node code, or "G01C" for the first compound of 古亭社区's first grid.
        let node: String
        let created: String
        /// Hours after creation, action, user, JSON body.
        var steps: [(Double, String, String, String)] = []
    }

    static let gt = "gt01_community", st = "gt_street", me = "resident_demo"
    static let grid = #"{"level":"grid"}"#, community = #"{"level":"community"}"#, note = #"{"note":"已处理"}"#
    static let satisfied = #"{"rating":"satisfied"}"#, basically = #"{"rating":"basically_satisfied"}"#, unsatisfied = #"{"rating":"unsatisfied"}"#

    static let scripts: [Script] = [
        Script(category: "zhian", node: "G01C", created: "2026-11-02 09:00",
               steps: [(0.5, "accept", gt, "{}"), (0.5, "dispatch", gt, grid), (2, "reply", gt, note), (3, "rate", me, satisfied)]),
        Script(category: "zhian", node: "G01C", created: "2026-11-02 10:00",
               steps: [(1, "accept", gt, "{}"), (1, "dispatch", gt, community), (10, "reply", gt, note), (11, "rate", me, satisfied)]),
        Script(category: "zhian", node: "G01C", created: "2026-11-02 11:00",
               steps: [(2, "accept", gt, "{}"), (2, "dispatch", gt, grid), (30, "reply", gt, note), (31, "rate", me, basically)]),
        Script(category: "zaoyin", node: "YT-GT-01-G02", created: "2026-11-03 09:00",
               steps: [(0.25, "accept", gt, "{}"), (0.25, "dispatch", gt, grid), (4, "reply", gt, note), (5, "rate", me, unsatisfied),
                       (6, "start", gt, "{}"), (26, "reply", gt, note), (27, "rate", me, satisfied)]),
        Script(category: "zaoyin", node: "YT-GT-01-G02", created: "2026-11-03 10:00",
               steps: [(0.5, "accept", gt, "{}"), (0.5, "dispatch", gt, grid), (6, "reply", gt, note), (7, "rate", me, unsatisfied),
                       (8, "start", gt, "{}"), (20, "reply", gt, note), (21, "rate", me, unsatisfied)]),
        Script(category: "zhian", node: "G01C", created: "2026-11-03 00:30",
               steps: [(3, "accept", gt, "{}"), (3, "dispatch", gt, community), (4, "escalate", gt, #"{"note":"需街道协调"}"#),
                       (5, "dispatch", st, #"{"level":"street"}"#), (40, "reply", st, note), (41, "rate", me, basically)]),
        Script(category: "zhian", node: "G01C", created: "2026-11-04 09:00",
               steps: [(0.5, "accept", gt, "{}"), (0.5, "dispatch", gt, community), (8, "reply", gt, note), (9, "close", gt, "{}")]),
        Script(category: "zhian", node: "G01C", created: "2026-11-04 10:00",
               steps: [(0.75, "accept", gt, "{}"), (0.75, "dispatch", gt, grid), (5, "reply", gt, note)]),
        Script(category: "zhian", node: "G01C", created: "2026-11-04 11:00",
               steps: [(1.5, "accept", gt, "{}"), (1.5, "dispatch", gt, grid), (2, "start", gt, "{}")]),
        Script(category: "maodun", node: "G01C", created: "2026-11-05 00:10"),
        Script(category: "zhian", node: "G01C", created: "2026-11-06 09:00"),
        Script(category: "zhian", node: "G01C", created: "2026-11-05 10:00", steps: [(0.5, "reject", gt, #"{"note":"非本辖区事项"}"#)]),
        Script(category: "zhian", node: "YT-GT-02-G01", created: "2026-10-31 23:30",
               steps: [(0.5, "accept", st, "{}"), (0.5, "dispatch", st, community), (3, "reply", st, note), (4, "rate", me, satisfied)]),
        Script(category: "zaoyin", node: "YT-GT-02-G01", created: "2026-11-01 00:30",
               steps: [(2, "accept", st, "{}"), (2, "dispatch", st, grid), (30, "reply", st, note), (31, "rate", me, unsatisfied)]),
        Script(category: "zhian", node: "YT-BH-01-G01", created: "2026-11-02 09:00",
               steps: [(0.5, "accept", "bh01_community", "{}"), (0.5, "dispatch", "bh01_community", #"{"level":"department","departmentCode":"gongan"}"#),
                       (10, "reply", "dept_gongan", note)]),
    ]

    /// Files every script's case as the demo resident at its creation time, walks it, and stops the clock at `asOf`.
    func buildScenario(_ app: Application) async throws {
        var tokens: [String: String] = [:]
        func token(_ user: String) async throws -> String {
            if let t = tokens[user] { return t }
            let t = try await app.token(user)
            tokens[user] = t
            return t
        }
        // 县公安局's own account answers the case dispatched to it (a department acts only on its own cases).
        let gongan = try #require(try await Department.query(on: app.db).filter(\.$code == "gongan").first())
        _ = try await AccountService(app: app).createUser(username: "dept_gongan", password: DemoSeeder.password, role: .departmentStaff,
                                                          node: try await app.node("YT"), displayName: "县公安局", phone: nil, department: gongan,
                                                          creator: nil, source: .cli("test"))
        let grid1 = try await app.node("YT-GT-01-G01")
        let compound = try #require(try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.compound.rawValue)
            .within(DataScope(rootPath: grid1.path)).sort(\.$path).first())
        for script in Self.scripts {
            let node = script.node == "G01C" ? compound : try await app.node(script.node)
            let created = Self.shanghai(script.created)
            app.clock.set(created)
            let filed = try await app.api(.POST, "/api/v1/cases", token: try await token(Self.me),
                                          json: #"{"categoryCode":"\#(script.category)","nodeId":"\#(node.id!)","description":"测试诉求"}"#)
            #expect(filed.status == .created, "\(script.created): \(filed.text)")
            let id = try #require(try filed.json()["id"] as? String)
            for (hours, action, user, json) in script.steps {
                app.clock.set(created.addingTimeInterval(hours * 3600))
                let res = try await app.api(.POST, "/api/v1/cases/\(id)/actions/\(action)", token: try await token(user), json: json)
                #expect(res.status == .ok, "\(script.created) \(action) by \(user): \(res.text)")
            }
        }
        app.clock.set(Self.asOf)
    }

    struct Expected {
        var response: (Int, Int)
        var resolution: (Int, Int)
        var satisfaction: (Int, Int)
        var onTime: (Int, Int)
        var grid: (Int, Int)
        var community: (Int, Int)
        var respond: (median: Double?, p90: Double?)
        var resolve: (median: Double?, p90: Double?)
        var states: [String: Int]
    }

    /// The numbers of one measures object, decoded with `JSONDecoder`: `JSONSerialization` on Linux reads some
    /// doubles one or two units in the last place off, and these figures are compared exactly.
    struct Figures: Decodable {
        struct Fraction: Decodable { let numerator: Int; let denominator: Int }
        struct Counts: Decodable { let total: Int; let byState: [String: Int] }
        let responseRate, resolutionRate, satisfactionRate, onTimeRate, gridClosureShare, communityClosureShare: Double?
        let medianHoursToRespond, p90HoursToRespond, medianHoursToResolve, p90HoursToResolve: Double?
        let basis: [String: Fraction]
        let counts: Counts

        var rates: [String: Double?] {
            ["responseRate": responseRate, "resolutionRate": resolutionRate, "satisfactionRate": satisfactionRate, "onTimeRate": onTimeRate,
             "gridClosureShare": gridClosureShare, "communityClosureShare": communityClosureShare,
             "medianHoursToRespond": medianHoursToRespond, "p90HoursToRespond": p90HoursToRespond,
             "medianHoursToResolve": medianHoursToResolve, "p90HoursToResolve": p90HoursToResolve]
        }
    }

    /// A measures object both ways: as JSON (to see nulls) and as exact numbers.
    struct Measured {
        let json: [String: Any]
        let figures: Figures
    }

    /// Checks every figure of one measures object: rates, their basis, hours and counts; a missing figure is `null`.
    func check(_ m: Measured, _ e: Expected, sourceLocation: SourceLocation = #_sourceLocation) {
        let f = m.figures
        let rates: [(String, String, (Int, Int))] = [
            ("responseRate", "response", e.response), ("resolutionRate", "resolution", e.resolution),
            ("satisfactionRate", "satisfaction", e.satisfaction), ("onTimeRate", "onTime", e.onTime),
            ("gridClosureShare", "gridClosure", e.grid), ("communityClosureShare", "communityClosure", e.community),
        ]
        var expected: [String: Double?] = [
            "medianHoursToRespond": e.respond.median, "p90HoursToRespond": e.respond.p90,
            "medianHoursToResolve": e.resolve.median, "p90HoursToResolve": e.resolve.p90,
        ]
        for (key, basisKey, (n, d)) in rates {
            expected[key] = d == 0 ? nil : Double(n) / Double(d)
            #expect(f.basis[basisKey]?.numerator == n && f.basis[basisKey]?.denominator == d,
                    "\(basisKey): \(String(describing: f.basis[basisKey])) ≠ \(n)/\(d)", sourceLocation: sourceLocation)
        }
        for (key, value) in expected {
            #expect(f.rates[key] == value, "\(key): \(String(describing: f.rates[key] ?? nil)) ≠ \(String(describing: value))", sourceLocation: sourceLocation)
            if value == nil { #expect(m.json[key] is NSNull, "\(key) should be null", sourceLocation: sourceLocation) }
        }
        #expect(f.counts.total == e.states.values.reduce(0, +), "total: \(f.counts.total)", sourceLocation: sourceLocation)
        #expect(f.counts.byState == Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0.rawValue, e.states[$0.rawValue] ?? 0) }),
                "byState: \(f.counts.byState)", sourceLocation: sourceLocation)
    }

    func get(_ app: Application, _ query: String, as user: String = "admin") async throws -> TestingHTTPResponse {
        try await app.api(.GET, "/api/v1/measures/cases\(query)", token: try await app.token(user))
    }

    func measures(_ app: Application, _ query: String, as user: String = "admin", sourceLocation: SourceLocation = #_sourceLocation) async throws -> Measured {
        let res = try await get(app, query, as: user)
        #expect(res.status == .ok, "\(query): \(res.text)", sourceLocation: sourceLocation)
        return Measured(json: try res.json(), figures: try JSONDecoder().decode(Figures.self, from: Data(res.text.utf8)))
    }

    func rows(_ app: Application, _ query: String, as user: String = "admin", sourceLocation: SourceLocation = #_sourceLocation) async throws -> [Measured] {
        struct Rows: Decodable { let rows: [Figures] }
        let res = try await get(app, "/breakdown\(query)", as: user)
        #expect(res.status == .ok, "\(query): \(res.text)", sourceLocation: sourceLocation)
        let json = try #require(try res.json()["rows"] as? [[String: Any]])
        let figures = try JSONDecoder().decode(Rows.self, from: Data(res.text.utf8)).rows
        return zip(json, figures).map(Measured.init)
    }

    /// 古亭社区, all time.
    var community: Expected {
        Expected(response: (6, 10), resolution: (8, 9), satisfaction: (5, 6), onTime: (5, 8), grid: (4, 7), community: (6, 7),
                 respond: (0.75, 2.2), resolve: (15, 33),
                 states: ["closed": 7, "replied": 1, "in_progress": 1, "submitted": 2, "rejected": 1])
    }

    @Test func theFiguresOfACommunityAStreetACategoryAPeriodAndADepartment() async throws {
        try await withDemoApp { app in
            // setup
            try await buildScenario(app)
            // act + check: the community, by its code, and by default for its own staff
            let gt01 = try await measures(app, "?node=YT-GT-01")
            check(gt01, community)
            #expect((gt01.json["filters"] as? [String: Any]).flatMap { $0["node"] as? [String: Any] }?["code"] as? String == "YT-GT-01")
            #expect((gt01.json["asOf"] as? String)?.hasPrefix("2026-11-06T01:30:00") == true, "\(gt01.json["asOf"] ?? "")")
            check(try await measures(app, "", as: "gt01_community"), community)
            // the street adds 鱼城社区's two cases; 滨湖街道's case stays out
            check(try await measures(app, "?node=YT-GT"), Expected(
                response: (7, 12), resolution: (9, 11), satisfaction: (6, 7), onTime: (6, 9), grid: (4, 8), community: (7, 8),
                respond: (0.75, 2), resolve: (10, 32),
                states: ["closed": 8, "replied": 1, "in_progress": 1, "submitted": 2, "rejected": 1, "reopened": 1]))
            // a category with its subcategory: maodun + zaoyin
            check(try await measures(app, "?node=YT-GT&category=maodun"), Expected(
                response: (2, 4), resolution: (2, 3), satisfaction: (1, 2), onTime: (1, 2), grid: (2, 2), community: (2, 2),
                respond: (0.5, 1.7), resolve: (23, 25.4),
                states: ["closed": 2, "reopened": 1, "submitted": 1]))
            // Shanghai days 11-03…11-04: C6 (11-03 00:30, still 11-02 in UTC) is in, C10 (11-05 00:10, 11-04 in UTC) is out
            let period = try await measures(app, "?node=YT-GT-01&from=2026-11-03&to=2026-11-04")
            check(period, Expected(
                response: (4, 6), resolution: (5, 6), satisfaction: (2, 3), onTime: (3, 5), grid: (2, 4), community: (3, 4),
                respond: (0.625, 2.25), resolve: (20, 34.4),
                states: ["closed": 4, "replied": 1, "in_progress": 1]))
            #expect(period.json["period"] as? [String: String] == ["from": "2026-11-03", "to": "2026-11-04"])
            // one Shanghai day: O2 at 00:30 is in, O1 at 23:30 the evening before is out
            let day = try await measures(app, "?node=YT-GT&from=2026-11-01&to=2026-11-01")
            #expect(day.figures.counts.total == 1)
            // a department, over the whole county
            let gongan = try await measures(app, "?department=gongan")
            check(gongan, Expected(
                response: (1, 1), resolution: (1, 1), satisfaction: (0, 0), onTime: (1, 1), grid: (0, 0), community: (0, 0),
                respond: (0.5, 0.5), resolve: (10, 10), states: ["replied": 1]))
            #expect((gongan.json["filters"] as? [String: Any])?["department"] as? String == "gongan")
            #expect((gongan.json["filters"] as? [String: Any])?["node"] is NSNull)
            // everything the admin sees
            #expect(try await measures(app, "").figures.counts.total == 15)
        }
    }

    @Test func breakdownsGiveOneRowPerGroupWithTheSameFigures() async throws {
        try await withDemoApp { app in
            // setup
            try await buildScenario(app)
            func rows(_ query: String, as user: String = "admin") async throws -> [Measured] { try await self.rows(app, query, as: user) }
            func keys(_ rows: [Measured]) -> [String] { rows.compactMap { ($0.json["group"] as? [String: Any])?["key"] as? String } }
            func totals(_ rows: [Measured]) -> [Int] { rows.map(\.figures.counts.total) }
            // act + check: communities of the street, for ranking
            let communities = try await rows("?by=community&node=YT-GT")
            #expect(keys(communities) == ["YT-GT-01", "YT-GT-02"])
            check(communities[0], community)
            check(communities[1], Expected(
                response: (1, 2), resolution: (1, 2), satisfaction: (1, 1), onTime: (1, 1), grid: (0, 1), community: (1, 1),
                respond: (1.25, 1.85), resolve: (3, 3), states: ["closed": 1, "reopened": 1]))
            #expect((communities[1].json["group"] as? [String: Any])?["name"] as? String == "鱼城社区")
            // grids of the community (a community staff's default node)
            let grids = try await rows("?by=grid", as: "gt01_community")
            #expect(keys(grids) == ["YT-GT-01-G01", "YT-GT-01-G02"])
            #expect(totals(grids) == [10, 2])
            check(grids[1], Expected(
                response: (2, 2), resolution: (2, 2), satisfaction: (1, 2), onTime: (1, 2), grid: (2, 2), community: (2, 2),
                respond: (0.375, 0.475), resolve: (23, 25.4),
                states: ["closed": 2]))
            // streets of the county: every street has a row, with or without cases
            let streets = try await rows("?by=street")
            #expect(keys(streets) == ["YT-GT", "YT-BH"])
            #expect(totals(streets) == [14, 1])
            // categories with cases, each its own code
            let categories = try await rows("?by=category&node=YT-GT")
            #expect(keys(categories) == ["maodun", "zaoyin", "zhian"])
            #expect(totals(categories) == [1, 3, 10])
            #expect((categories[2].json["group"] as? [String: Any])?["name"] as? String == "治安隐患")
            // Shanghai months; with both ends, every month of the period, empty ones too
            #expect(keys(try await rows("?by=month&node=YT-GT")) == ["2026-10", "2026-11"])
            let months = try await rows("?by=month&node=YT-GT&from=2026-10-01&to=2026-12-31")
            #expect(keys(months) == ["2026-10", "2026-11", "2026-12"])
            check(months[0], Expected(
                response: (1, 1), resolution: (1, 1), satisfaction: (1, 1), onTime: (1, 1), grid: (0, 1), community: (1, 1),
                respond: (0.5, 0.5), resolve: (3, 3), states: ["closed": 1]))
            #expect(totals(months) == [1, 13, 0])
            check(months[2], Expected(response: (0, 0), resolution: (0, 0), satisfaction: (0, 0), onTime: (0, 0), grid: (0, 0), community: (0, 0),
                                      respond: (nil, nil), resolve: (nil, nil), states: [:]))
        }
    }

    @Test func scopeRolesAndBadFiltersAreRefusedAndNothingMeasuresAsNull() async throws {
        try await withDemoApp { app in
            // act + check: another community's node answers like a missing one
            let foreign = try await get(app, "?node=YT-GT-01", as: "bh01_community")
            #expect(foreign.status == .notFound && foreign.errorField == "node")
            #expect(try await get(app, "/breakdown?by=grid&node=YT-GT-01", as: "bh01_community").status == .notFound)
            // residents and partners measure nothing
            #expect(try await get(app, "", as: "resident_demo").status == .forbidden)
            #expect(try await get(app, "/breakdown?by=community", as: "partner_demo").status == .forbidden)
            #expect(try await app.api(.GET, "/api/v1/measures/cases", token: nil).status == .unauthorized)
            // bad filters name their field
            for (query, field) in [("?from=2026-13-01", "from"), ("?from=2026-11-05&to=2026-11-01", "to"), ("?category=nope", "category"),
                                   ("?department=nope", "department"), ("?node=nope", "node")] {
                let res = try await get(app, query)
                #expect(res.errorField == field, "\(query): \(res.status) \(res.text)")
            }
            for (query, field) in [("", "by"), ("?by=household", "by"), ("?by=street&node=YT-GT-01", "by")] {
                let res = try await get(app, "/breakdown\(query)")
                #expect(res.status == .unprocessableEntity && res.errorField == field, "\(query): \(res.text)")
            }
            // no cases: zero counts, every rate and duration null (present, not missing)
            let empty = try await measures(app, "?node=YT-BH-02&from=2026-11-01&to=2026-11-30")
            check(empty, Expected(response: (0, 0), resolution: (0, 0), satisfaction: (0, 0), onTime: (0, 0), grid: (0, 0), community: (0, 0),
                                  respond: (nil, nil), resolve: (nil, nil), states: [:]))
            // everyone else measures their own scope by default: a grid worker their grid, a property company its compound
            func defaultNode(_ user: String) async throws -> [String: Any]? {
                (try await measures(app, "", as: user).json["filters"] as? [String: Any])?["node"] as? [String: Any]
            }
            #expect(try await defaultNode("gt01_grid")?["code"] as? String == "YT-GT-01-G01")
            // a property company has no case measures (its figures are its monthly scoring): it reads only what is dispatched to it
            #expect(try await get(app, "", as: "property_demo").status == .forbidden)
            #expect(try await defaultNode("dept_zhujian")?["code"] as? String == "YT")
        }
    }

    @Test func percentilesInterpolateBetweenNeighbouringRanks() {
        let values: [Int: Double] = [0: 1, 1: 2, 2: 4, 3: 8]
        #expect(CaseMeasuresService.percentile(1, 2, n: 4, at: values) == 3)
        #expect(CaseMeasuresService.percentile(9, 10, n: 4, at: values) == 4 + 0.7 * 4)
        #expect(CaseMeasuresService.percentile(1, 2, n: 1, at: [0: 5]) == 5)
        #expect(CaseMeasuresService.percentile(9, 10, n: 0, at: [:]) == nil)
        #expect(ShanghaiTime.months(from: "2026-11-15", to: "2027-02-01") == ["2026-11", "2026-12", "2027-01", "2027-02"])
    }
}
