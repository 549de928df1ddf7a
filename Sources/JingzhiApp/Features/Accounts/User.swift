import Fluent
import Foundation
import JingzhiCore

/// An account: staff bound to a node of the tree (its scope), or a resident.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var roleRaw: String
    /// The node whose subtree this account may see. Nil only for admins (whole tree) and unlinked residents.
    @OptionalField(key: "node_id") var nodeID: UUID?
    @OptionalField(key: "phone") var phone: String?
    /// For residents: their entry in the register, once staff approved the link.
    @OptionalField(key: "resident_id") var residentID: UUID?
    /// For department staff: the county department they work for; a department acts on the cases dispatched to it.
    @OptionalField(key: "department_id") var departmentID: UUID?
    /// Bumped when the password changes or is reset: every web session signed in under an older value ends.
    @Field(key: "session_version") var sessionVersion: Int
    @Field(key: "active") var active: Bool
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(username: String, displayName: String, passwordHash: String, role: Role, nodeID: UUID?, phone: String? = nil) {
        self.username = username.lowercased()
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.roleRaw = role.rawValue
        self.nodeID = nodeID
        self.phone = phone
        self.sessionVersion = 0
        self.active = true
    }

    var role: Role { Role(rawValue: roleRaw) ?? .resident }
}

/// An API bearer token; only its SHA-256 is stored.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(userID: UUID, tokenHash: String, expiresAt: Date) {
        self.userID = userID
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}

