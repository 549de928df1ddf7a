import JingzhiCore
import NIOConcurrencyHelpers
import Vapor

/// Remembers figures that change slowly but cost a scan of a whole city: past months' rates and the days before
/// today on the map and in the trends (a case keeps its creation day; late replies, ratings and reclassifications
/// move them a little), the households per grid and the grids' boundaries (keyed by `OrgTreeVersion`, read from the
/// database on each request, so a tree change on any server shows at once). Entries live `maxAge` seconds of the app
/// clock; the live figures (today's cases, this month's counts and rates, the lists) are never cached.
final class CommandCentreCache: Sendable {
    private struct Entry: Sendable {
        let at: Date
        let value: any Sendable
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    static let pastMonthsMaxAge: TimeInterval = 15 * 60
    static let householdsMaxAge: TimeInterval = 60 * 60
    static let gridsMaxAge: TimeInterval = 60 * 60

    func value<T: Sendable>(_ key: String, maxAge: TimeInterval, now: Date, compute: () async throws -> T) async throws -> T {
        if let hit = entries.withLockedValue({ $0[key] }), abs(now.timeIntervalSince(hit.at)) < maxAge, let value = hit.value as? T {
            return value
        }
        let value = try await compute()
        entries.withLockedValue { all in
            // A wall screen per street and a few desks: the cache stays small, but never let it grow without bound.
            if all.count > 5000 { all.removeAll() }
            all[key] = Entry(at: now, value: value)
        }
        return value
    }

    func clear() { entries.withLockedValue { $0.removeAll() } }
}

extension Application {
    private struct CacheKey: StorageKey { typealias Value = CommandCentreCache }

    var commandCentreCache: CommandCentreCache {
        if let c = storage[CacheKey.self] { return c }
        let c = CommandCentreCache()
        storage[CacheKey.self] = c
        return c
    }
}
