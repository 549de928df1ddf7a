import Fluent
import Foundation
import JingzhiCore
import NIOConcurrencyHelpers
import Vapor

/// Where a case came from, as the feature that filed it tells: a line on the case page with a link (a deliberation
/// topic, a device's alarm), and for a device the serial and household the case list's API carries.
struct CaseOrigin: Sendable, Equatable {
    /// e.g. "来自议题" / "From the topic".
    let label: String
    let title: String
    let href: String
    var deviceSerial: String? = nil
    var householdId: UUID? = nil
}

/// Features register at start-up (`app.caseOrigins`); Cases names none of them. A lookup answers for one case (the
/// page); a reader answers for many cases of its channel at once (the list).
final class CaseOrigins: Sendable {
    typealias Lookup = @Sendable (_ db: any Database, _ caseID: UUID, _ lang: Lang) async throws -> CaseOrigin?
    typealias Reader = @Sendable (_ caseIDs: [UUID], _ db: any Database, _ lang: Lang) async throws -> [UUID: CaseOrigin]

    private let lookups = NIOLockedValueBox<[Lookup]>([])
    private let readers = NIOLockedValueBox<[String: Reader]>([:])

    func add(_ lookup: @escaping Lookup) { lookups.withLockedValue { $0.append(lookup) } }

    func register(channel: String, _ reader: @escaping Reader) { readers.withLockedValue { $0[channel] = reader } }

    /// Every registered feature's answer for one case.
    func origins(of c: Case, on db: any Database, lang: Lang) async throws -> [CaseOrigin] {
        var out: [CaseOrigin] = []
        for lookup in lookups.withLockedValue({ $0 }) { if let o = try await lookup(db, c.id!, lang) { out.append(o) } }
        if let o = try await of([c], on: db, lang: lang)[c.id!] { out.append(o) }
        return out
    }

    /// The origins the channel readers know for these cases, read once per channel.
    func of(_ cases: [Case], on db: any Database, lang: Lang) async throws -> [UUID: CaseOrigin] {
        var out: [UUID: CaseOrigin] = [:]
        for (channel, read) in readers.withLockedValue({ $0 }) {
            let ids = cases.filter { $0.channel == channel }.compactMap(\.id)
            guard !ids.isEmpty else { continue }
            out.merge(try await read(ids, db, lang)) { a, _ in a }
        }
        return out
    }
}

extension Application {
    private struct CaseOriginsKey: StorageKey { typealias Value = CaseOrigins }

    /// Made when Cases configures (before any request), so it is never made twice.
    var caseOrigins: CaseOrigins {
        if let have = storage[CaseOriginsKey.self] { return have }
        let made = CaseOrigins()
        storage[CaseOriginsKey.self] = made
        return made
    }
}
