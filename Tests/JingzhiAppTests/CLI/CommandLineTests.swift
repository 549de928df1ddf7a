import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// The `jingzhi` commands as the executable calls them, each on its own fresh SQLite directory.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["JINGZHI_TEST_DATABASE_URL"]?.isEmpty ?? true, "the CLI tests use SQLite files"))
struct CommandLineTests {
    /// Runs `body` with settings for a new, empty data directory, removed afterwards.
    func withSettings(_ body: (Settings) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jingzhi-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(Settings(dataDirectory: dir, passwordCost: 4))
    }

    /// Opens the database the commands wrote, for checking.
    func inspect<T>(_ settings: Settings, _ work: (Application) async throws -> T) async throws -> T {
        let app = try await JingzhiCommands.openApp(settings)
        do {
            let result = try await work(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    func writeFile(_ settings: Settings, _ text: String) throws -> String {
        let path = (settings.dataDirectory as NSString).appendingPathComponent("residents.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func seedingTwiceChangesNothingTheSecondTime() async throws {
        try await withSettings { settings in
            // act
            let first = try await JingzhiCommands.seed(settings, scale: .tiny)
            let second = try await JingzhiCommands.seed(settings, scale: .tiny)
            // check
            #expect(first.created)
            #expect(!second.created)
            #expect(first.nodes > 0 && first.residents > 0)
            #expect(second.nodes == first.nodes && second.households == first.households && second.residents == first.residents)
            #expect(second.accounts.map(\.username) == first.accounts.map(\.username))
            let users = try await inspect(settings) { try await User.query(on: $0.db).count() }
            #expect(users == first.accounts.count)
        }
    }

    @Test func seedTakesTheDayTheDemoIsAsOfAndRefusesABadOne() async throws {
        try await withSettings { settings in
            // act
            let seeded = try await JingzhiCommands.seed(settings, scale: .tiny, asOf: "2026-03-01")
            // check: the visits end on that day; a day that does not exist is refused, naming the option
            #expect(seeded.created)
            let last = try await inspect(settings) { try await Visit.query(on: $0.db).all().map(\.visitedOn).max() }
            #expect(last.map { $0 <= "2026-03-01" && $0 >= "2026-02-01" } == true)
            await #expect(throws: DemoDateError.self) { try await JingzhiCommands.seed(settings, scale: .tiny, asOf: "2026-02-30") }
            #expect(DemoDateError(raw: "x").description.contains("--as-of"))
        }
    }

    @Test func createUserBindsTheAccountToTheNodeAndRefusesUnknownRolesAndNodes() async throws {
        try await withSettings { settings in
            // setup
            _ = try await JingzhiCommands.seed(settings, scale: .tiny)
            // act
            let message = try await JingzhiCommands.createUser(settings, username: "GT01_New", password: "Grid2026ok", role: "grid_worker",
                                                                node: "YT-GT-01-G02", displayName: "新网格员")
            let badRole = await #expect(throws: APIError.self) {
                try await JingzhiCommands.createUser(settings, username: "x_role", password: "Grid2026ok", role: "mayor", node: "YT-GT-01", displayName: nil)
            }
            let badNode = await #expect(throws: APIError.self) {
                try await JingzhiCommands.createUser(settings, username: "x_node", password: "Grid2026ok", role: "grid_worker", node: "YT-NOPE", displayName: nil)
            }
            // check
            #expect(message == "created gt01_new (grid_worker) at 第二网格 [YT-GT-01-G02]")
            #expect(badRole?.field == "role" && badRole?.message.contains("community_staff") == true)
            #expect(badNode?.field == "node" && badNode?.message.contains("YT-NOPE") == true)
            try await inspect(settings) { app in
                let user = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_new").first())
                #expect(user.role == .gridWorker && user.displayName == "新网格员")
                #expect(user.nodeID == (try await app.node("YT-GT-01-G02")).id)
                #expect(try await User.query(on: app.db).filter(\.$username ~~ ["x_role", "x_node"]).count() == 0)
                _ = try await AccountService(app: app).authenticate(username: "gt01_new", password: "Grid2026ok", ip: "cli-test")
            }
        }
    }

    @Test func resetPasswordReplacesTheOldOne() async throws {
        try await withSettings { settings in
            // setup
            _ = try await JingzhiCommands.seed(settings, scale: .tiny)
            // act
            try await JingzhiCommands.resetPassword(settings, username: "gt01_grid", password: "Fresh2026pw")
            let weak = await #expect(throws: APIError.self) {
                try await JingzhiCommands.resetPassword(settings, username: "gt01_grid", password: "short1")
            }
            let unknown = await #expect(throws: APIError.self) {
                try await JingzhiCommands.resetPassword(settings, username: "nobody", password: "Fresh2026pw")
            }
            // check
            #expect(weak?.field == "password")
            #expect(unknown?.status == .notFound)
            try await inspect(settings) { app in
                let accounts = AccountService(app: app)
                let user = try await accounts.authenticate(username: "gt01_grid", password: "Fresh2026pw", ip: "cli-test")
                #expect(user.username == "gt01_grid")
                let old = await #expect(throws: APIError.self) {
                    try await accounts.authenticate(username: "gt01_grid", password: DemoSeeder.password, ip: "cli-test")
                }
                #expect(old?.status == .unauthorized)
            }
        }
    }

    @Test func importWithABadRowFailsNamingTheLineAndWritesNothing() async throws {
        try await withSettings { settings in
            // setup
            _ = try await JingzhiCommands.seed(settings, scale: .tiny)
            let place = try await inspect(settings) { try await ResidentImportTests.place($0) }
            let at = "\(place.compound),\(place.building),\(place.unit),908"
            let path = try writeFile(settings, "小区,楼栋,单元,房号,姓名,性别,身份证号\n\(at),命令甲,男,370827197208080011\n\(at),命令乙,女,370827198801011119\n")
            // act
            let failure = await #expect(throws: CommandFailure.self) {
                try await JingzhiCommands.importResidents(settings, file: path, node: "YT-GT-01", skipInvalid: false, dryRun: false)
            }
            let dry = try await JingzhiCommands.importResidents(settings, file: path, node: "YT-GT-01", skipInvalid: false, dryRun: true)
            let written = try await inspect(settings) { try await Resident.query(on: $0.db).filter(\.$name == "命令甲").count() }
            let skipped = try await JingzhiCommands.importResidents(settings, file: path, node: "YT-GT-01", skipInvalid: true, dryRun: false)
            // check
            let message = try #require(failure?.message)
            #expect(message.contains("line 3 [idNumber]"))
            #expect(message.contains("nothing imported"))
            #expect(!message.contains("line 2"))
            #expect(dry.contains("dry run: nothing written."))
            #expect(written == 0)
            #expect(skipped.contains("created 1") && skipped.contains("skipped 1") && skipped.hasSuffix("imported."))
            #expect(try await inspect(settings) { try await Resident.query(on: $0.db).filter(\.$name == "命令甲").count() } == 1)
        }
    }

    @Test func exportMasksIDNumbersUnlessFullIsAsked() async throws {
        try await withSettings { settings in
            // setup
            _ = try await JingzhiCommands.seed(settings, scale: .tiny)
            let (someone, count) = try await inspect(settings) { app in
                let community = try await app.node("YT-GT-01")
                return (try await app.resident(under: "YT-GT-01"),
                        try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).count())
            }
            // act
            let masked = try await JingzhiCommands.exportResidents(settings, node: "YT-GT-01", full: false)
            let full = try await JingzhiCommands.exportResidents(settings, node: "YT-GT-01", full: true)
            let unknownNode = await #expect(throws: APIError.self) {
                try await JingzhiCommands.exportResidents(settings, node: "YT-NOPE", full: false)
            }
            // check
            #expect(masked.hasPrefix(CSV.utf8BOM + "社区,小区,楼栋"))
            #expect(CSV.parse(masked).count == count + 1)
            #expect(!masked.contains(someone.idNumber!))
            #expect(masked.contains(Mask.idNumber(someone.idNumber)!))
            #expect(full.contains(someone.idNumber!))
            #expect(CSV.parse(full).count == count + 1)
            #expect(unknownNode?.field == "node")
            let workbook = try Spreadsheet.read(try await JingzhiCommands.exportResidentsWorkbook(settings, node: "YT-GT-01", full: true))
            #expect(workbook.count == count + 1)
            #expect(workbook.contains { $0.cells.count > 8 && $0.cells[8] == .text(someone.idNumber!) })
        }
    }
}
