import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The cases a person filed keep their reporter name and phone until the person's personal data is erased: then the
/// name becomes the placeholder and the phone goes, on the cases filed from their accounts or with their phone.
enum CaseErasure {
    static func register(_ app: Application) {
        app.personalDataErasers.add("cases") { person, db in
            var changed = 0
            if !person.userIDs.isEmpty {
                changed += try await db.sql.raw("""
                    UPDATE cases SET reporter_name = \(bind: person.placeholder), reporter_phone = NULL
                    WHERE reporter_id IN (\(binds: person.userIDs)) RETURNING id
                    """).all().count
            }
            if let phone = person.phone, !phone.isEmpty {
                changed += try await db.sql.raw("""
                    UPDATE cases SET reporter_name = \(bind: person.placeholder), reporter_phone = NULL
                    WHERE reporter_phone = \(bind: phone) RETURNING id
                    """).all().count
            }
            return changed
        }
    }
}
