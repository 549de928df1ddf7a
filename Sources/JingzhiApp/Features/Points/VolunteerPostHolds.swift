import Fluent
import Foundation
import JingzhiCore
import NIOConcurrencyHelpers

/// What other features do when staff free a post held for someone who is not a volunteer (a partner's claim); they
/// register at start-up and Points names none of them. Hooks run inside the release's transaction.
final class VolunteerPostHooks: Sendable {
    typealias Hook = @Sendable (_ post: VolunteerPost, _ holder: String, _ db: any Database, _ now: Date, _ source: AuditSource) async throws -> Void

    static let shared = VolunteerPostHooks()
    private let freed = NIOLockedValueBox<[(name: String, run: Hook)]>([])

    /// A name registers once: a second app replaces it.
    func onFreed(_ name: String, _ hook: @escaping Hook) {
        freed.withLockedValue { list in
            if let i = list.firstIndex(where: { $0.name == name }) { list[i].run = hook } else { list.append((name, hook)) }
        }
    }

    func runFreed(_ p: VolunteerPost, holder: String, on db: any Database, now: Date, source: AuditSource) async throws {
        for h in freed.withLockedValue({ $0 }) { try await h.run(p, holder, db, now, source) }
    }
}

/// Posts held for a partner or an in-service party member (三领). The Partners feature keeps the claim itself (who, until
/// when); the post shows the holder's name and is closed to other claimers while held.
extension VolunteerService {
    /// A post by id, in any community (the caller checks the area).
    func post(_ id: UUID?) async throws -> VolunteerPost? {
        guard let id else { return nil }
        return try await VolunteerPost.find(id, on: db)
    }

    /// Open posts under `path`, for claimers to choose from.
    func openPosts(under path: String, limit: Int = 100) async throws -> [VolunteerPost] {
        try await VolunteerPost.query(on: db).within(DataScope(rootPath: path)).filter(\.$state == VolunteerPostState.open.rawValue)
            .sort(\.$title).sort(\.$place).limit(limit).all()
    }

    /// Holds an open post for `holder`; 409 when someone claimed it first (the post's version claim).
    func hold(_ p: VolunteerPost, holder: String) async throws {
        try await VolunteerLifecycle.post.perform(.claim, on: p, role: .volunteer, subject: "\(p.title) \(p.place)", note: "认领单位：\(holder)",
                                                  by: source, at: now, on: db, change: { [now] p in
            p.volunteerID = nil
            p.holderName = holder
            p.claimedAt = now
        })
    }

    /// Opens a post held for `holder` again (its claim ended); nothing when staff or a resident changed it meanwhile.
    func endHold(_ id: UUID, holder: String, note: String) async throws {
        guard let p = try await VolunteerPost.find(id, on: db), p.postState == .claimed, p.volunteerID == nil, p.holderName == holder else { return }
        try await VolunteerLifecycle.post.perform(.release, on: p, role: .staff, subject: "\(p.title) \(p.place)", note: note,
                                                  by: source, at: now, on: db, change: { p in
            p.holderName = nil
            p.claimedAt = nil
        })
    }
}
