import Fluent
import NIOConcurrencyHelpers
import Vapor

/// One line of the personal-data access log (个人信息查看记录, PIPL): a user was shown a subject's unmasked ID number
/// or phone. It names the subject by internal id only, never the number itself. Rows are only ever added.
package final class PersonalDataAccess: Model, PathScoped, @unchecked Sendable {
    package static let schema = "personal_data_access_log"
    package static var pathKey: KeyPath<PersonalDataAccess, FieldProperty<PersonalDataAccess, String>> { \.$nodePath }

    @ID(key: .id) package var id: UUID?
    @Field(key: "at") package var at: Date
    @OptionalField(key: "viewer_id") package var viewerID: UUID?
    @Field(key: "viewer_name") package var viewerName: String
    @Field(key: "viewer_role") package var viewerRole: String
    /// `resident`, `case_reporter`, `user`, `message_recipient`, `certificate_holder` …
    @Field(key: "subject_kind") package var subjectKind: String
    /// The subject's internal id; nil for an export, which counts its subjects instead.
    @OptionalField(key: "subject_id") package var subjectID: UUID?
    @Field(key: "subject_count") package var subjectCount: Int
    /// `id_number`, `phone`, or both, comma-separated.
    @Field(key: "fields") package var fields: String
    /// The page or API that showed it: method and route pattern (`GET /api/v1/residents/:id`).
    @Field(key: "page") package var page: String
    /// The subject's node path (an export: the viewer's), so the log follows data scopes.
    @Field(key: "node_path") package var nodePath: String
    @Field(key: "ip") package var ip: String
    @OptionalField(key: "request_id") package var requestID: String?

    package init() {}
}

/// The personal fields whose unmasked display is logged.
package enum PersonalField: String, Sendable, CaseIterable {
    case idNumber = "id_number"
    case phone
}

/// What one request showed unmasked, collected while the page or JSON is built and written in one insert when the
/// response succeeded (the ObservabilityMiddleware flushes it). If that write fails the response is not sent.
package final class PersonalDataRecorder: Sendable {
    package struct Viewer: Sendable {
        package let id: UUID?
        package let name: String
        package let role: String
        package init(id: UUID?, name: String, role: String) {
            self.id = id
            self.name = name
            self.role = role
        }
    }

    private struct Seen {
        var kind: String, id: UUID?, count: Int, path: String, fields: Set<String>, viewer: Viewer
    }

    private let seen = NIOLockedValueBox<[Seen]>([])

    package init() {}

    /// Notes that `viewer` was shown `fields` of a subject unmasked (an export passes `id: nil` and its row count).
    package func saw(_ kind: String, id: UUID?, path: String, fields: [PersonalField], by viewer: Viewer, count: Int = 1) {
        guard !fields.isEmpty else { return }
        let names = Set(fields.map(\.rawValue))
        seen.withLockedValue { all in
            if let id, let i = all.firstIndex(where: { $0.kind == kind && $0.id == id }) {
                all[i].fields.formUnion(names)
            } else {
                all.append(Seen(kind: kind, id: id, count: count, path: path, fields: names, viewer: viewer))
            }
        }
    }

    package var isEmpty: Bool { seen.withLockedValue { $0.isEmpty } }

    /// Writes what was noted, once, as one batch.
    package func flush(_ req: Request) async throws {
        let rows = seen.withLockedValue { all -> [Seen] in defer { all = [] }; return all }
        guard !rows.isEmpty else { return }
        let page = "\(req.method.rawValue) \(req.routePattern)", at = req.application.clock.now(), ip = req.clientIP
        let entries = rows.map { s -> PersonalDataAccess in
            let e = PersonalDataAccess()
            e.at = at
            e.viewerID = s.viewer.id
            e.viewerName = String(s.viewer.name.prefix(200))
            e.viewerRole = s.viewer.role
            e.subjectKind = s.kind
            e.subjectID = s.id
            e.subjectCount = s.count
            e.fields = PersonalField.allCases.map(\.rawValue).filter(s.fields.contains).joined(separator: ",")
            e.page = page
            e.nodePath = s.path
            e.ip = ip
            e.requestID = req.requestID
            return e
        }
        try await entries.create(on: req.db)
    }
}

extension Request {
    private struct RecorderKey: StorageKey { typealias Value = PersonalDataRecorder }

    /// This request's recorder of unmasked personal data, made on first use.
    package var personalDataRecorder: PersonalDataRecorder {
        if let have = storage[RecorderKey.self] { return have }
        let made = PersonalDataRecorder()
        storage[RecorderKey.self] = made
        return made
    }

    package var hasPersonalDataToRecord: Bool { storage[RecorderKey.self].map { !$0.isEmpty } ?? false }
}
