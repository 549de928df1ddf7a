import Fluent
import Foundation

/// The county departments cases are passed to (街呼县应), for other features: the assessment's department units.
enum CaseDepartments {
    struct Entry: Sendable, Equatable {
        let id: UUID
        let code: String
        let name: String
    }

    /// The departments taking cases now, by code.
    static func active(on db: any Database) async throws -> [Entry] {
        try await Department.query(on: db).filter(\.$active == true).sort(\.$code).all().map { Entry(id: $0.id!, code: $0.code, name: $0.name) }
    }
}
