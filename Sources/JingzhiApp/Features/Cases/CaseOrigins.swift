import Fluent
import Foundation
import JingzhiCore
import NIOConcurrencyHelpers
import Vapor

/// What raised a case, as the feature that raised it tells: a device's serial and the household, for the list and
/// the case page. Features register a reader per channel; Cases knows none of them.
struct CaseOrigin: Sendable, Equatable {
    var deviceSerial: String?
    var householdId: UUID?
    /// One line for the case page, e.g. "智能设备 WM-0001 告警：独居老人 24 小时未用水".
    var line: String?
    /// Where the line links to.
    var href: String?
}

typealias CaseOriginReader = @Sendable (_ caseIDs: [UUID], _ db: any Database) async throws -> [UUID: CaseOrigin]

final class CaseOrigins: Sendable {
    private let readers = NIOLockedValueBox<[String: CaseOriginReader]>([:])

    func register(channel: String, _ reader: @escaping CaseOriginReader) {
        readers.withLockedValue { $0[channel] = reader }
    }

    /// The origins of the given cases, read once per channel.
    func of(_ cases: [Case], on db: any Database) async throws -> [UUID: CaseOrigin] {
        let all = readers.withLockedValue { $0 }
        var out: [UUID: CaseOrigin] = [:]
        for (channel, read) in all {
            let ids = cases.filter { $0.channel == channel }.compactMap(\.id)
            guard !ids.isEmpty else { continue }
            out.merge(try await read(ids, db)) { a, _ in a }
        }
        return out
    }
}

extension Application {
    private struct CaseOriginsKey: StorageKey { typealias Value = CaseOrigins }

    var caseOrigins: CaseOrigins {
        if let have = storage[CaseOriginsKey.self] { return have }
        let made = CaseOrigins()
        storage[CaseOriginsKey.self] = made
        return made
    }
}
