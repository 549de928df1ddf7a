
import Fluent
import JingzhiCore
import Vapor

/// Accounts: passwords, login with throttling, tokens, creation within a scope.
struct AccountService {
    let db: any Database
    let clock: AppClock
    let passwordCost: Int

    init(app: Application, db: (any Database)? = nil) {
        self.db = db ?? app.db
        self.clock = app.clock
        self.passwordCost = app.settings.passwordCost
    }

    init(req: Request) { self.init(app: req.application, db: req.db) }

    /// How failed logins are counted under one key: failures tolerated before it locks, the first lock (doubling with
    /// each further failure up to `longestLock`), and how fast failures are forgiven.
    struct ThrottleRule: Sendable {
        let limit: Int
        let firstLock: TimeInterval
        let longestLock: TimeInterval
        /// One failure is forgiven per this many quiet seconds.
        let forgiveEvery: TimeInterval
    }

    /// One username guessed from one address: locks hard, as before.
    static let userAtAddress = ThrottleRule(limit: 5, firstLock: 30, longestLock: 15 * 60, forgiveEvery: 720)
    /// One username from anywhere: only slows down (never more than a minute), so nobody can lock a colleague out.
    static let userAnywhere = ThrottleRule(limit: 10, firstLock: 2, longestLock: 60, forgiveEvery: 360)
    /// One address (perhaps a whole office behind NAT): short locks that fade, cleared by a successful login.
    static let address = ThrottleRule(limit: 20, firstLock: 10, longestLock: 5 * 60, forgiveEvery: 180)
    static let userFailureLimit = userAtAddress.limit

    func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: passwordCost)
    }

    static func checkPasswordStrength(_ password: String, field: String = "password") throws {
        guard password.count >= 8 else { throw APIError.invalid(field, "密码至少 8 位 (password must have at least 8 characters)") }
        guard password.count <= 72 else { throw APIError.invalid(field, "密码最多 72 位 (at most 72 characters)") }
        let hasLetter = password.contains { $0.isLetter }, hasDigit = password.contains { $0.isNumber }
        guard hasLetter && hasDigit else { throw APIError.invalid(field, "密码须同时包含字母和数字 (use letters and digits)") }
    }

    /// Checks a username and password. Locked keys are refused before the password is even looked at.
    func authenticate(username: String, password: String, ip: String) async throws -> User {
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        let keys = [("user:\(name)|ip:\(ip)", Self.userAtAddress), ("user:" + name, Self.userAnywhere), ("ip:" + ip, Self.address)]
        let now = clock.now()
        let rows = try await LoginThrottle.query(on: db).filter(\.$key ~~ keys.map(\.0)).all()
        if let until = rows.compactMap(\.lockedUntil).filter({ $0 > now }).max() {
            let wait = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
            var error = APIError(.tooManyRequests, code: "login_throttled",
                                 "登录失败次数过多，请 \(wait) 秒后再试 (too many failed logins; try again in \(wait) s)")
            error.headers.replaceOrAdd(name: .retryAfter, value: String(wait))
            throw error
        }
        let user = try await User.query(on: db).filter(\.$username == name).first()
        var ok = false
        if let user, user.active { ok = try Bcrypt.verify(password, created: user.passwordHash) }
        guard ok, let user else {
            try await noteFailures(keys, now: now)
            throw APIError(.unauthorized, code: "bad_credentials", "用户名或密码错误 (wrong username or password)")
        }
        // Success forgives this name and this address.
        try await LoginThrottle.query(on: db).filter(\.$key ~~ keys.map(\.0)).delete()
        user.lastLoginAt = now
        try await user.save(on: db)
        return user
    }

    /// Counts a failure against each key in one transaction; the rows are locked in a fixed order, so servers counting
    /// at once queue rather than overwrite each other's counts.
    private func noteFailures(_ keys: [(String, ThrottleRule)], now: Date) async throws {
        try await db.writeTransaction { tx in
            for (key, rule) in keys {
                let row = try await LoginThrottle.lockedRow(key, now: now, on: tx)
                // Quiet time forgives earlier failures, one per `forgiveEvery` seconds.
                let quiet = max(0, now.timeIntervalSince(row.lastFailureAt))
                row.failures = max(0, row.failures - Int(min(quiet / rule.forgiveEvery, 1_000_000)))
                row.failures = min(row.failures + 1, 1_000_000)
                row.lastFailureAt = now
                if row.failures >= rule.limit {
                    let doublings = Double(min(row.failures - rule.limit, 30))
                    row.lockedUntil = now.addingTimeInterval(min(rule.longestLock, rule.firstLock * pow(2, doublings)))
                }
                try await row.save(on: tx)
            }
        }
    }

    /// Issues a bearer token valid for 30 days; returns the token text (shown once).
    func issueToken(for user: User) async throws -> String {
        let token = Tokens.random()
        let row = APIToken(userID: user.id!, tokenHash: Self.sha256(token), expiresAt: clock.now().addingTimeInterval(30 * 86400))
        try await row.create(on: db)
        return token
    }

    func user(forToken token: String) async throws -> User? {
        // One read: the token's user, if the token is known and current and the user active.
        try await User.query(on: db).join(APIToken.self, on: \APIToken.$userID == \User.$id)
            .filter(APIToken.self, \.$tokenHash == Self.sha256(token)).filter(APIToken.self, \.$expiresAt > clock.now())
            .filter(\.$active == true).first()
    }

    func revoke(token: String) async throws {
        try await APIToken.query(on: db).filter(\.$tokenHash == Self.sha256(token)).delete()
    }

    func changePassword(_ user: User, current: String, new: String, source: AuditSource) async throws {
        guard try Bcrypt.verify(current, created: user.passwordHash) else {
            throw APIError.invalid("currentPassword", "当前密码不正确 (current password is wrong)")
        }
        try Self.checkPasswordStrength(new, field: "newPassword")
        user.passwordHash = try hash(new)
        user.sessionVersion += 1
        try await db.writeTransaction { tx in
            try await user.save(on: tx)
            try await APIToken.query(on: tx).filter(\.$userID == user.id!).delete()
            try await AuditLog.record(on: tx, by: source, at: clock.now(), action: "password_change", entity: "user",
                                      entityID: user.id, nodePath: try await nodePath(of: user, on: tx), summary: "修改密码 \(user.username)")
        }
    }

    /// Creates an account. `creator` nil means the command line (trusted, any role anywhere).
    /// The department named by `code`, for a department-staff account; nil without a code.
    static func department(code: String?, for role: Role, on db: any Database) async throws -> Department? {
        guard let code, !code.isEmpty else { return nil }
        guard role == .departmentStaff else {
            throw APIError.invalid("departmentCode", "只有职能部门账号属于部门 (only department staff belong to a department)")
        }
        guard let d = try await Department.query(on: db).filter(\.$code == code).filter(\.$active == true).first() else {
            throw APIError.invalid("departmentCode", "未知部门 \(code) (unknown department)")
        }
        return d
    }

    func createUser(username: String, password: String, role: Role, node: OrgNode?, displayName: String?,
                    phone: String?, department: Department? = nil, creator: Actor?, source: AuditSource) async throws -> User {
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard (3...32).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) else {
            throw APIError.invalid("username", "用户名 3–32 位，只能用字母、数字和 _.- (3–32 letters, digits or _.-)")
        }
        try Self.checkPasswordStrength(password)
        if role != .admin && role != .resident && node == nil {
            throw APIError.missing("node")
        }
        if let creator {
            try creator.require(.manageUsers)
            guard creator.role.assignableRoles.contains(role) else { throw APIError.forbidden }
            guard let node, creator.scope.contains(node.path) else { throw APIError.notFound }
        }
        if let phone, Validate.phone(phone) == nil { throw APIError.invalid("phone", "手机号格式不正确 (invalid phone number)") }
        if try await User.query(on: db).filter(\.$username == name).first() != nil {
            throw APIError.conflict("用户名已存在 (username taken)", code: "username_taken")
        }
        let user = User(username: name, displayName: displayName ?? name, passwordHash: try hash(password), role: role,
                        nodeID: node?.id, phone: phone)
        user.departmentID = department?.id
        try await db.writeTransaction { tx in
            try await user.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: clock.now(), action: "create", entity: "user", entityID: user.id,
                                      nodePath: node?.path ?? "",
                                      summary: "创建账号 \(role == .resident ? Mask.phone(name) ?? name : name) (\(role.rawValue))")
        }
        return user
    }

    func resetPassword(username: String, to password: String, source: AuditSource) async throws {
        guard let user = try await User.query(on: db).filter(\.$username == username.lowercased()).first() else {
            throw APIError.notFound
        }
        try Self.checkPasswordStrength(password)
        user.passwordHash = try hash(password)
        user.sessionVersion += 1
        try await db.writeTransaction { tx in
            try await user.save(on: tx)
            try await APIToken.query(on: tx).filter(\.$userID == user.id!).delete()
            try await LoginThrottle.query(on: tx).filter(\.$key == "user:" + user.username).delete()
            try await LoginThrottle.query(on: tx).filter(\.$key >= "user:\(user.username)|").filter(\.$key < "user:\(user.username)|~").delete()
            try await AuditLog.record(on: tx, by: source, at: clock.now(), action: "password_reset", entity: "user",
                                      entityID: user.id, nodePath: try await nodePath(of: user, on: tx), summary: "重置密码 \(user.username)")
        }
    }

    private func nodePath(of user: User, on db: any Database) async throws -> String {
        guard let id = user.nodeID else { return "" }
        return try await OrgNode.find(id, on: db)?.path ?? ""
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
