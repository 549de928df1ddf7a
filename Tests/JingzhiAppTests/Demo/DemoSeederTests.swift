import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import VaporTesting
@testable import JingzhiApp

@Suite struct DemoSeederTests {
    @Test func tinySeedFillsTheRegisterAndReadsBackThroughFluent() async throws {
        try await withTestApp { app in
            let summary = try await DemoSeeder.seed(app, scale: .tiny)
            #expect(summary.created)
            #expect(summary.nodes > 0 && summary.households > 0 && summary.residents > 0)
            #expect(summary.accounts.count == 11)

            // Every table reads back through its model, and the counts match the summary.
            let nodes = try await OrgNode.query(on: app.db).all()
            let households = try await Household.query(on: app.db).all()
            let residents = try await Resident.query(on: app.db).all()
            let tags = try await ResidentTag.query(on: app.db).all()
            let visits = try await Visit.query(on: app.db).all()
            let workers = try await GridWorker.query(on: app.db).all()
            #expect(nodes.count == summary.nodes)
            #expect(households.count == summary.households)
            #expect(residents.count == summary.residents)
            #expect((150...500).contains(residents.count))
            #expect(!tags.isEmpty && !visits.isEmpty && !workers.isEmpty)
            #expect(nodes.allSatisfy { $0.createdAt == DemoPlan.make(.tiny).createdAt })
            #expect(residents.allSatisfy { $0.createdAt == DemoPlan.make(.tiny).createdAt && $0.deletedAt == nil })

            // Personal data passes the register's own validation and never repeats.
            for r in residents {
                let id = try #require(r.idNumber)
                #expect(Validate.idNumber(id) == id, "bad ID \(id)")
                #expect(Validate.birthDate(fromID: id) == r.birthDate)
                #expect(Validate.gender(fromID: id) == r.gender)
                #expect(r.importKey == ResidentKey.make(idNumber: id, householdNodeID: r.nodeID, room: "", name: r.name))
                if let phone = r.phone { #expect(Validate.phone(phone) == phone) }
                #expect(["户主", "配偶", "子女", "父母", "孙辈", "其他"].contains(r.relation))
                #expect(r.tagList.allSatisfy(ResidentTags.all.contains))
            }
            #expect(Set(residents.compactMap(\.idNumber)).count == residents.count)
            #expect(Set(residents.map(\.importKey)).count == residents.count)

            // Tags rows mirror the tags column, with the resident's path.
            let byResident = Dictionary(grouping: tags, by: \.residentID)
            for r in residents {
                #expect(Set(byResident[r.id!]?.map(\.tag) ?? []) == Set(r.tagList))
                #expect(byResident[r.id!]?.allSatisfy { $0.nodePath == r.nodePath } ?? true)
            }

            // The tree: path = parent path + segment, depth one more, households on buildings or units.
            let byID = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id!, $0) })
            let byPath = Dictionary(uniqueKeysWithValues: nodes.map { ($0.path, $0) })
            for node in nodes {
                #expect(node.segment.count == PathSegment.width)
                if let parentID = node.parentID {
                    let parent = try #require(byID[parentID])
                    #expect(node.path == parent.path + node.segment)
                    #expect(node.depth == parent.depth + 1)
                    #expect(node.kind.allowedParents.contains(parent.kind))
                } else {
                    #expect(node.code == "YT" && node.depth == 0 && node.path == node.segment)
                }
            }
            for h in households {
                let node = try #require(byID[h.nodeID])
                #expect(node.kind.holdsHouseholds && node.path == h.nodePath)
                let chain = stride(from: PathSegment.width, through: h.nodePath.count, by: PathSegment.width)
                    .compactMap { byPath[String(h.nodePath.prefix($0))] }
                #expect(h.address == OrgService.address(ancestors: chain, room: h.room))
            }
            #expect(households.contains { byID[$0.nodeID]?.kind == .building })
            #expect(households.contains { byID[$0.nodeID]?.kind == .unit })

            // Boundaries: valid closed polygons, children inside parents, siblings apart.
            let shaped = nodes.filter { [.street, .community, .grid].contains($0.kind) }
            for node in shaped {
                let boundary = try Boundary.parse(text: try #require(node.boundary))
                let box = Self.box(boundary)
                #expect(box.west > 116.6 && box.east < 116.72 && box.south > 34.97 && box.north < 35.04)
                if let parent = byID[node.parentID!], let text = parent.boundary {
                    #expect(Self.box(try Boundary.parse(text: text)).contains(box))
                }
                for other in shaped where other.parentID == node.parentID && other.id != node.id {
                    #expect(!Self.box(try Boundary.parse(text: other.boundary!)).overlaps(box))
                }
            }
        }
    }

    @Test func tinySeedHasEveryTagInBothDemoCommunities() async throws {
        try await withTestApp { app in
            _ = try await DemoSeeder.seed(app, scale: .tiny)
            for code in ["YT-GT-01", "YT-BH-01"] {
                let community = try #require(try await OrgNode.query(on: app.db).filter(\.$code == code).first())
                let present = Set(try await ResidentTag.query(on: app.db).within(DataScope(rootPath: community.path)).all().map(\.tag))
                #expect(present == Set(ResidentTags.all), "\(code) lacks \(Set(ResidentTags.all).subtracting(present))")
            }
            // 独居老人 live alone; 出租户 live in rented homes.
            let residents = try await Resident.query(on: app.db).all()
            let households = Dictionary(uniqueKeysWithValues: try await Household.query(on: app.db).all().map { ($0.id!, $0) })
            let perHousehold = Dictionary(grouping: residents, by: \.householdID)
            for r in residents where r.tagList.contains("独居老人") { #expect(perHousehold[r.householdID]?.count == 1) }
            for r in residents where r.tagList.contains("出租户") { #expect(households[r.householdID]?.occupancy == "出租") }
        }
    }

    @Test func seedingTwiceChangesNothing() async throws {
        try await withTestApp { app in
            let lines = LogLines()
            let first = try await DemoSeeder.seed(app, scale: .tiny) { lines.append($0) }
            #expect(lines.all.contains { $0.hasPrefix("谷亭街道") } && lines.all.contains { $0.hasPrefix("滨湖街道") })
            #expect(lines.all.last?.hasPrefix("完成") == true)
            let second = try await DemoSeeder.seed(app, scale: .tiny) { lines.append($0) }
            #expect(lines.all.last?.contains("已存在") == true)
            #expect(first.created && !second.created)
            #expect(first.nodes == second.nodes && first.households == second.households && first.residents == second.residents)
            #expect(first.accounts.map(\.username) == second.accounts.map(\.username))
            #expect(try await OrgNode.query(on: app.db).count() == first.nodes)
            #expect(try await Resident.query(on: app.db).count() == first.residents)
            #expect(try await User.query(on: app.db).count() == first.accounts.count)
        }
    }

    @Test func theSameScaleAlwaysMakesTheSameRows() async throws {
        var fingerprints: [[String]] = []
        for _ in 0..<2 {
            try await withTestApp { app in
                _ = try await DemoSeeder.seed(app, scale: .tiny)
                let nodes = try await OrgNode.query(on: app.db).sort(\.$path).all()
                    .map { "\($0.id!) \($0.code) \($0.name) \($0.path) \($0.boundary ?? "")" }
                let residents = try await Resident.query(on: app.db).sort(\.$importKey).all()
                    .map { "\($0.id!) \($0.householdID) \($0.name) \($0.idNumber ?? "") \($0.phone ?? "") \($0.tags)" }
                let visits = try await Visit.query(on: app.db).sort(\.$id).all()
                    .map { "\($0.id!) \($0.visitorName) \($0.visitedOn) \($0.notes)" }
                fingerprints.append(nodes + residents + visits)
            }
        }
        #expect(fingerprints[0] == fingerprints[1])
    }

    @Test func demoAccountsSignInAndAreTiedToTheRegister() async throws {
        try await withTestApp { app in
            let summary = try await DemoSeeder.seed(app, scale: .tiny)
            let service = AccountService(app: app)
            for account in summary.accounts {
                let user = try await service.authenticate(username: account.username, password: account.password, ip: "127.0.0.1")
                #expect(user.role.rawValue == account.role)
                #expect(account.password == DemoSeeder.password)
            }
            let grid = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_grid").first())
            let worker = try #require(try await GridWorker.query(on: app.db).filter(\.$userID == grid.id).first())
            #expect(worker.name == grid.displayName && worker.duty == "网格长" && worker.gridID == grid.nodeID)
            #expect(try await Visit.query(on: app.db).filter(\.$visitorID == grid.id).count() > 0)

            let resident = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let person = try #require(try await Resident.find(resident.residentID, on: app.db))
            #expect(person.phone == resident.phone && person.name == resident.displayName)
            let gridNode = try #require(try await OrgNode.query(on: app.db).filter(\.$code == "YT-GT-01-G01").first())
            #expect(person.nodePath.hasPrefix(gridNode.path))

            let property = try #require(try await User.query(on: app.db).filter(\.$username == "property_demo").first())
            let compound = try #require(try await OrgNode.find(property.nodeID, on: app.db))
            #expect(compound.kind == .compound && compound.name == "幸福家园")
        }
    }

    @Test func scalePlansMatchYutaiAndBaoji() {
        let county = DemoPlan.make(.county)
        let communities = county.streets.flatMap(\.communities)
        #expect(county.streets.map(\.code) == ["YT-GT", "YT-BH"])
        #expect(communities.count == 10 && communities.map(\.compounds).reduce(0, +) == 166)
        #expect(communities.first?.name == "古亭社区" && communities.first?.code == "YT-GT-01")
        #expect(communities.first { $0.code == "YT-BH-01" }?.name == "站前社区")
        let city = DemoPlan.make(.city)
        #expect(city.region.rootCode == "BJ" && city.streets.flatMap(\.communities).count == 191)
        #expect(Set(city.streets.flatMap(\.communities).map(\.name)).count == 191)
        // Buildings: 6–30 per compound, 4–18 storeys, households close to the target.
        var rng = DemoRandom(seed: 7)
        for cls in CompoundClass.allCases {
            for target in [60, 150, 250, 400, 490] {
                let buildings = DemoPlan.buildings(for: cls, target: target, tiny: false, &rng)
                #expect((6...30).contains(buildings.count))
                #expect(buildings.allSatisfy { (4...18).contains($0.floors) && (0...3).contains($0.units) })
                let households = buildings.map(\.households).reduce(0, +)
                #expect(abs(households - target) <= max(24, target / 10), "\(cls) \(target) → \(households)")
            }
        }
    }

    @Test func generatedIDNumbersAndPhonesAreValidAndUnique() {
        var ids = IDNumberMaker(), rng = DemoRandom(seed: 1), phones = PhoneMaker(seed: 1)
        var seenIDs = Set<String>(), seenPhones = Set<String>()
        let day = DemoDate.days(1960, 2, 29)
        for i in 0..<1200 {
            let made = ids.make(area: "370827", birth: day, male: i % 2 == 0)
            #expect(Validate.idNumber(made.id) == made.id)
            #expect(Validate.gender(fromID: made.id) == (i % 2 == 0 ? "男" : "女"))
            #expect(Validate.birthDate(fromID: made.id) == DemoDate.string(made.birth))
            #expect(seenIDs.insert(made.id).inserted)
            let phone = phones.mobile(&rng)
            #expect(Validate.phone(phone) == phone && seenPhones.insert(phone).inserted)
        }
        #expect(DemoDate.string(DemoDate.days(2026, 1, 5)) == "2026-01-05")
        #expect(DemoDate.days(1970, 1, 1) == 0)
    }

    @Test func anInterruptedRunCanBeCleared() async throws {
        try await withTestApp { app in
            _ = try await DemoSeeder.seed(app, scale: .tiny)
            // The accounts are made last, after the tree is complete; an interrupted city run has none.
            try await AuditEntry.query(on: app.db).delete()
            try await GridWorker.query(on: app.db).set(\.$userID, to: nil).update()
            try await Visit.query(on: app.db).set(\.$visitorID, to: nil).update()
            try await User.query(on: app.db).delete()
            let root = try #require(try await OrgNode.query(on: app.db).filter(\.$code == "YT").first())
            try await app.db.transaction { tx in try await DemoSeeder.purge(root, on: tx) }
            #expect(try await OrgNode.query(on: app.db).count() == 0)
            #expect(try await Household.query(on: app.db).count() == 0)
            #expect(try await Resident.query(on: app.db).withDeleted().count() == 0)
            #expect(try await ResidentTag.query(on: app.db).count() == 0)
            #expect(try await Visit.query(on: app.db).count() == 0)
            #expect(try await GridWorker.query(on: app.db).count() == 0)
            #expect(try await DemoSeeder.seed(app, scale: .tiny).created)
        }
    }

    private static func box(_ b: Boundary) -> DemoRect {
        let points = b.rings[0]
        return DemoRect(west: points.map { $0[0] }.min()!, south: points.map { $0[1] }.min()!,
                        east: points.map { $0[0] }.max()!, north: points.map { $0[1] }.max()!)
    }
}

/// Collects log lines from the seeder's `@Sendable` callback.
private final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
