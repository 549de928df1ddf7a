// THROWAWAY — not to be committed.
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import JingzhiApp

@Suite(.serialized) struct DemoScratchTiming {
    @Test(arguments: ["tiny", "county"]) func timeAndStats(_ name: String) async throws {
        guard ProcessInfo.processInfo.environment["DEMO_SCRATCH"] != nil else { return }
        let scale = DemoScale(rawValue: name)!
        try await withTestApp { app in
            let t0 = Date()
            let s = try await DemoSeeder.seed(app, scale: scale) { print("  log: " + $0) }
            let t = Date().timeIntervalSince(t0)
            let t1 = Date()
            let again = try await DemoSeeder.seed(app, scale: scale)
            print("SCALE \(name): \(String(format: "%.2f", t)) s; second run \(String(format: "%.3f", Date().timeIntervalSince(t1))) s created=\(again.created)")
            print("nodes \(s.nodes) households \(s.households) residents \(s.residents) accounts \(s.accounts.count)")
            let sql = app.db as! any SQLDatabase
            for q in ["SELECT kind, COUNT(*) AS n FROM org_nodes GROUP BY kind",
                      "SELECT tag, COUNT(*) AS n FROM resident_tags GROUP BY tag ORDER BY n DESC",
                      "SELECT occupancy, COUNT(*) AS n FROM households GROUP BY occupancy",
                      "SELECT COUNT(*) AS n FROM visits", "SELECT COUNT(*) AS n FROM grid_workers",
                      "SELECT COUNT(*) AS n FROM residents WHERE phone IS NOT NULL",
                      "SELECT COUNT(DISTINCT phone) AS n FROM residents",
                      "SELECT relation, COUNT(*) AS n FROM residents GROUP BY relation",
                      "SELECT gender, COUNT(*) AS n FROM residents GROUP BY gender",
                      "SELECT CAST(substr(birth_date,1,4) AS INTEGER)/10*10 AS decade, COUNT(*) AS n FROM residents GROUP BY decade ORDER BY decade",
                      "SELECT COUNT(*) AS n FROM residents WHERE birth_date <= '1961-01-05'",
                      "SELECT COUNT(*) AS n FROM residents WHERE birth_date <= '2008-01-05'",
                      "SELECT COUNT(*) AS n FROM residents WHERE birth_date <= '1961-01-05' AND tags LIKE '%独居老人%'",
                      "SELECT n, COUNT(*) AS c FROM (SELECT household_id, COUNT(*) AS n FROM residents GROUP BY household_id) GROUP BY n",
                      "SELECT MIN(n) AS mn, MAX(n) AS mx, AVG(n) AS av, COUNT(*) AS grids FROM (SELECT substr(node_path,1,16) AS g, COUNT(*) AS n FROM households GROUP BY g)",
                      "SELECT MIN(n) AS mn, MAX(n) AS mx, AVG(n) AS av FROM (SELECT parent_id, COUNT(*) AS n FROM org_nodes WHERE kind='building' GROUP BY parent_id)",
                      "SELECT name, address, party_org_name FROM org_nodes WHERE kind='compound' LIMIT 25",
                      "SELECT name, code, party_org_name, party_secretary, party_contact FROM org_nodes WHERE kind IN ('street','community') ",
                      "SELECT address FROM households LIMIT 3",
                      "SELECT name, gender, birth_date, id_number, phone, relation, tags, note FROM residents LIMIT 30",
                      "SELECT COUNT(*) AS n, COUNT(DISTINCT name) AS d FROM org_nodes WHERE kind='compound'",
                      "SELECT visitor_name, visited_on, kind, notes FROM visits LIMIT 5"] {
                guard let rows = try? await sql.raw(SQLQueryString(q)).all() else { print("== (failed) \(q)"); continue }
                print("== \(q)")
                for row in rows.prefix(40) {
                    var parts: [String] = []
                    for c in row.allColumns {
                        if let v = try? row.decode(column: c, as: String?.self) { parts.append("\(c)=\(v ?? "nil")") }
                        else if let v = try? row.decode(column: c, as: Double.self) { parts.append("\(c)=\(v)") }
                    }
                    print("   " + parts.joined(separator: " | "))
                }
            }
        }
    }
}

@Suite struct DemoScratchGen {
    @Test func generationOnly() async throws {
        guard ProcessInfo.processInfo.environment["DEMO_SCRATCH"] != nil else { return }
        for scale in [DemoScale.county] {
            let t0 = Date()
            var b = DemoBuilder(plan: DemoPlan.make(scale))
            let root = b.root(ordinal: 0)
            var n = 0
            for s in b.plan.streets.indices {
                let st = b.street(s, under: root)
                for c in b.plan.streets[s].communities.indices { n += b.community(street: s, index: c, under: st).residents.count }
            }
            print("GEN \(scale): \(n) residents in \(Date().timeIntervalSince(t0)) s")
        }
    }
}

@Suite struct DemoScratchCity {
    @Test func city() async throws {
        guard ProcessInfo.processInfo.environment["DEMO_CITY"] != nil else { return }
        try await withTestApp { app in
            let t0 = Date()
            let s = try await DemoSeeder.seed(app, scale: .city) { print("  log: " + $0) }
            print("CITY \(Date().timeIntervalSince(t0)) s nodes \(s.nodes) households \(s.households) residents \(s.residents) accounts \(s.accounts.map(\.username))")
            let again = try await DemoSeeder.seed(app, scale: .city)
            print("CITY again created=\(again.created) \(again.nodes) \(again.households) \(again.residents)")
            let sql = app.db as! any SQLDatabase
            for q in ["SELECT COUNT(*) AS n FROM resident_tags", "SELECT COUNT(*) AS n FROM grid_workers", "SELECT COUNT(*) AS n FROM visits",
                      "SELECT COUNT(*) AS n FROM org_nodes WHERE kind='compound'", "SELECT COUNT(*) AS n FROM org_nodes WHERE kind='community'",
                      "SELECT COUNT(*) AS n FROM org_nodes WHERE kind='grid'", "SELECT code, name FROM org_nodes WHERE depth <= 1"] {
                for row in try await sql.raw(SQLQueryString(q)).all() {
                    print("  \(q): " + row.allColumns.map { c in (try? row.decode(column: c, as: String.self)) ?? String((try? row.decode(column: c, as: Int.self)) ?? -1) }.joined(separator: " "))
                }
            }
        }
    }
}
