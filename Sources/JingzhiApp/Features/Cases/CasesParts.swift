import JingzhiCore

extension CasesFeature: DemoContributor {
    /// A year of requests at county scale, so queues, deadlines and measures are alive; the test-sized demo stays empty.
    static func seedDemo(_ c: DemoContext) async throws {
        guard c.plan.scale == .county else { return }
        var history = DemoCaseHistory(db: c.db, lastDay: c.asOf)
        c.log("诉求历史：\(try await history.seed(under: c.root, days: 365, perDay: 24)) 件")
    }
}
