import Fluent
import Foundation
import JingzhiCore

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
