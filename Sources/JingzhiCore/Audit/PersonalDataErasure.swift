import Fluent
import Vapor

/// Someone whose personal data is being erased (the retention period of a resident who moved away ran out).
package struct ErasedPerson: Sendable {
    package var residentID: UUID
    /// Their accounts (a resident may have linked one).
    package var userIDs: [UUID]
    package var phone: String?
    package var placeholder: String

    package init(residentID: UUID, userIDs: [UUID], phone: String?, placeholder: String) {
        self.residentID = residentID
        self.userIDs = userIDs
        self.phone = phone
        self.placeholder = placeholder
    }
}

/// Features that keep copies of a person's name or phone (a case's reporter, …) register how to erase them; the
/// register's retention task runs every eraser in the same transaction as the resident's own row.
package struct PersonalDataErasers: Sendable {
    package typealias Erase = @Sendable (ErasedPerson, any Database) async throws -> Int
    package private(set) var all: [(name: String, erase: Erase)] = []
    package init() {}

    package mutating func add(_ name: String, _ erase: @escaping Erase) { all.append((name, erase)) }
}

extension Application {
    private struct ErasersKey: StorageKey { typealias Value = PersonalDataErasers }

    package var personalDataErasers: PersonalDataErasers {
        get { storage[ErasersKey.self] ?? PersonalDataErasers() }
        set { storage[ErasersKey.self] = newValue }
    }
}
