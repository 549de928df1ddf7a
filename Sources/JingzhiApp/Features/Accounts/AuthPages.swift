import Fluent
import JingzhiCore
import Vapor

/// Log in, log out, change password, resident sign-up, language switch.
enum AuthPages {
    static func register(web: any RoutesBuilder, authed: any RoutesBuilder) {
        typealias P = SiteURL.Accounts.Pattern
        web.get(P.login, use: loginForm)
        web.post(P.login, use: login)
        web.post(P.logout, use: logout)
        web.get(P.register, use: registerForm)
        web.post(P.register, use: register)
        web.get(SiteURL.Pattern.language, use: language)
        authed.get(P.password, use: passwordForm)
        authed.post(P.password, use: changePassword)
    }

    static func loginPage(_ req: Request, error: String? = nil, username: String = "") -> HTML {
        let next = (try? req.query.get(String?.self, at: "next")) ?? nil
        return Layout(req: req, title: req.t("登录", "Log in")).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Accounts.login(next: next).path)" class="card">
          \(Form.csrf(req))
          \(Form.field(req.t("用户名 / 手机号", "Username or phone"), name: "username", value: username, required: true, attrs: "autocomplete=\"username\" autofocus"))
          \(Form.field(req.t("密码", "Password"), name: "password", type: "password", required: true, attrs: "autocomplete=\"current-password\""))
          <button type="submit">\(req.t("登录", "Log in"))</button>
        </form>
        <p>\(req.t("居民还没有账号？", "A resident without an account?")) <a href="\(SiteURL.Accounts.register.path)">\(req.t("手机号注册", "Sign up with your phone"))</a></p>
        """)
    }

    @Sendable static func loginForm(req: Request) async throws -> Response {
        if req.actor != nil { return req.redirect(to: SiteURL.home.path) }
        return try await loginPage(req).encodeResponse(for: req)
    }

    struct LoginForm: Content { var username: String?; var password: String? }

    @Sendable static func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        do {
            let user = try await AccountService(req: req).authenticate(username: form.username ?? "", password: form.password ?? "", ip: req.clientIP)
            try await req.startSession(for: user)
            let next = (try? req.query.get(String?.self, at: "next")) ?? nil
            return req.redirect(to: localPath(next))
        } catch let e as APIError where e.status == .unauthorized || e.status == .tooManyRequests {
            var headers = e.headers
            headers.contentType = .html
            return Response(status: e.status, headers: headers,
                            body: .init(string: loginPage(req, error: req.words(e), username: form.username ?? "").raw))
        }
    }

    /// A redirect target from the query, only if it stays on this site (no `//host`, backslashes or control characters).
    static func localPath(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"),
              !raw.unicodeScalars.contains(where: { $0 == "\\" || $0.properties.generalCategory == .control }) else { return SiteURL.home.path }
        return raw
    }

    @Sendable static func logout(req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: SiteURL.Accounts.login(next: nil).path)
    }

    @Sendable static func language(req: Request) async throws -> Response {
        let lang = Lang(rawValue: req.parameters.get("lang") ?? "") ?? .zh
        let back = (try? req.query.get(String?.self, at: "back")) ?? nil
        let res = req.redirect(to: localPath(back))
        res.cookies["lang"] = HTTPCookies.Value(string: lang.rawValue, maxAge: 365 * 86400, path: "/", isHTTPOnly: true, sameSite: .lax)
        return res
    }

    @Sendable static func passwordForm(req: Request) async throws -> HTML {
        Layout(req: req, title: req.t("修改密码", "Change password")).render("""
        <form method="post" class="card">\(Form.csrf(req))
          \(Form.field(req.t("当前密码", "Current password"), name: "currentPassword", type: "password", required: true))
          \(Form.field(req.t("新密码", "New password"), name: "newPassword", type: "password", required: true, hint: req.t("至少 8 位，含字母和数字", "8+ characters with letters and digits")))
          <button>\(req.t("保存", "Save"))</button>
        </form>
        """)
    }

    struct PasswordForm: Content { var currentPassword: String?; var newPassword: String? }

    @Sendable static func changePassword(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let form = try req.content.decode(PasswordForm.self)
        try await AccountService(req: req).changePassword(actor.user, current: form.currentPassword ?? "", new: form.newPassword ?? "",
                                                          source: req.auditSource)
        // Every other browser and token of the account is signed out; this one carries on under a new session.
        try await req.startSession(for: actor.user)
        req.flash(req.t("密码已修改，其他设备上的登录已退出", "Password changed; you are signed out everywhere else"))
        return req.redirect(to: SiteURL.home.path)
    }

    @Sendable static func registerForm(req: Request) async throws -> HTML {
        try await registerPage(req)
    }

    static func registerPage(_ req: Request, error: String? = nil, form: RegisterForm = RegisterForm()) async throws -> HTML {
        let compounds = try await OrgNode.query(on: req.db).filter(\.$kindRaw == NodeKind.compound.rawValue).sort(\.$path).limit(2000).all()
        let preset = form.nodeId ?? ((try? req.query.get(String?.self, at: "compound")) ?? nil)
        return Layout(req: req, title: req.t("居民注册", "Resident sign-up")).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" class="card">\(Form.csrf(req))
          \(Form.field(req.t("手机号", "Mobile number"), name: "phone", value: form.phone, type: "tel", required: true, attrs: "inputmode=\"numeric\" autocomplete=\"tel\""))
          \(Form.field(req.t("姓名", "Name"), name: "name", value: form.name, required: true))
          \(Form.select(req.t("所在小区", "Your compound"), name: "nodeId", options: compounds.map { ($0.id!.uuidString, $0.name) }, selected: preset, includeBlank: req.t("请选择", "Choose")))
          \(Form.field(req.t("楼栋单元房号", "Building, unit, room"), name: "room", value: form.room, required: true, hint: req.t("如：3号楼1单元302", "e.g. 3号楼1单元302")))
          \(Form.field(req.t("密码", "Password"), name: "password", type: "password", required: true, hint: req.t("至少 8 位，含字母和数字", "8+ characters with letters and digits")))
          <button>\(req.t("注册并申请认证", "Sign up"))</button>
        </form>
        <p class="muted">\(req.t("注册后由社区工作人员核对住户信息，通过后即可查看本户信息。", "Community staff check your household before your account is linked."))</p>
        """)
    }

    struct RegisterForm: Content {
        var phone: String?
        var name: String?
        var nodeId: String?
        var room: String?
        var password: String?
    }

    @Sendable static func register(req: Request) async throws -> Response {
        let form = try req.content.decode(RegisterForm.self)
        do {
            guard let nodeID = form.nodeId.flatMap(UUID.init(uuidString:)) else {
                throw APIError.invalid("nodeId", req.t("请选择所在小区", "Choose your compound"))
            }
            let link = try await Registrations(req: req).register(phone: form.phone ?? "", password: form.password ?? "", name: form.name ?? "",
                                                                  nodeID: nodeID, room: form.room ?? "")
            guard let user = try await User.find(link.userID, on: req.db) else { throw APIError.notFound }
            try await req.startSession(for: user)
            req.flash(req.t("注册成功，等待社区审核", "Signed up; waiting for the community to confirm"))
            return req.redirect(to: SiteURL.home.path)
        } catch let e as APIError where e.status.code < 500 {
            return Response(status: e.status, headers: ["Content-Type": "text/html; charset=utf-8"],
                            body: .init(string: try await registerPage(req, error: req.words(e), form: form).raw))
        }
    }
}

extension AuthPages {
    /// The header's account corner: who is signed in, messages, password, log out; or a log-in link.
    static func userMenu(_ req: Request) -> HTML {
        let lang = req.lang
        guard let actor = req.actor else {
            return "<a href=\"\(SiteURL.Accounts.login(next: nil).path)\">\(lang.t("登录", "Log in"))</a>"
        }
        return """
        <span class="me">\(actor.user.displayName) · \(actor.role.label(lang))</span>
        <a href="\(SiteURL.Cases.notifications.path)">\(lang.t("消息", "Messages"))</a>
        <a href="\(SiteURL.Accounts.password.path)">\(lang.t("改密码", "Password"))</a>
        <form method="post" action="\(SiteURL.Accounts.logout.path)" class="inline">\(Form.csrf(req))<button class="link">\(lang.t("退出", "Log out"))</button></form>
        """
    }
}
