import Fluent
import Foundation

/// A case's answer also reaches its reporter by text message, through the outbound channel (quiet hours, opt-out,
/// retries and the delivery log are the channel's). Queued in the case move's own transaction.
enum NoticeCaseTexts {
    static func afterTransition(_ c: Case, action: CaseAction, on db: any Database, now: Date) async throws {
        guard action == .reply, let phone = try await CaseNotifier(db: db, now: now).reporterPhone(of: c) else { return }
        try await MessageService(db: db, now: now, settings: MessageSettings()).queue(
            personKey: c.reporterID.map { "u:" + $0.uuidString } ?? "case:" + c.id!.uuidString, residentID: nil, userID: c.reporterID,
            phone: phone, text: "您反映的诉求 \(c.number) 已有答复，请查看并评价。", kind: "case", refID: c.id, nodePath: c.nodePath)
    }
}
