import Fluent
import JingzhiCore
import Vapor

/// Where a case came from, as a feature that files cases tells it (a deliberation topic, a consultation item): a line
/// on the case page with a link. Features register a lookup at start-up (`app.caseOrigins`); Cases names none of them.
struct CaseOrigin: Sendable, Equatable {
    /// e.g. "来自议题" / "From the topic".
    let label: String
    let title: String
    let href: String
}

struct CaseOrigins: Sendable {
    typealias Lookup = @Sendable (_ db: any Database, _ caseID: UUID, _ lang: Lang) async throws -> CaseOrigin?

    private(set) var lookups: [Lookup] = []

    mutating func add(_ lookup: @escaping Lookup) { lookups.append(lookup) }

    /// Every registered feature's answer for one case.
    func origins(of caseID: UUID, on db: any Database, lang: Lang) async throws -> [CaseOrigin] {
        var out: [CaseOrigin] = []
        for lookup in lookups { if let o = try await lookup(db, caseID, lang) { out.append(o) } }
        return out
    }
}

extension Application {
    private struct CaseOriginsKey: StorageKey { typealias Value = CaseOrigins }

    var caseOrigins: CaseOrigins {
        get { storage[CaseOriginsKey.self] ?? CaseOrigins() }
        set { storage[CaseOriginsKey.self] = newValue }
    }
}
