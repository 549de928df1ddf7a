import Vapor

/// The page frame: header, navigation for the signed-in role, flash message, content.
struct Layout {
    let req: Request
    let title: String
    /// Staff tables want the full width of a desk screen; residents and forms read better narrow.
    var wide: Bool = false

    func render(_ content: HTML) -> HTML {
        let lang = req.lang
        let back = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
        let other: Lang = lang == .zh ? .en : .zh
        let flash = req.takeFlash()
        return """
        <!doctype html>
        <html lang="\(lang == .zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · \(lang.t("精治", "Jingzhi"))</title>
        <link rel="stylesheet" href="\(SiteURL.stylesheet.path)">
        <script src="\(SiteURL.script.path)" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="\(SiteURL.home.path)">精治 <small>\(lang.t("社区治理平台", "community governance"))</small></a>
          <nav class="main">\(navigation(lang))</nav>
          <div class="who">\(userMenu(lang))
            <a class="lang" href="\(SiteURL.language(other, back: back).path)">\(other == .en ? "English" : "中文")</a>
          </div>
        </header>
        <main class="\(wide ? "wide" : "narrow")">
        \(flash.map { HTML("<p class=\"flash \($0.kind)\" role=\"status\">\($0.text)</p>") } ?? .empty)
        <h1>\(title)</h1>
        \(content)
        </main>
        </body>
        </html>
        """
    }

    private func navigation(_ lang: Lang) -> HTML {
        guard let actor = req.actor else { return .empty }
        var links: [(String, String)] = [(SiteURL.home.path, lang.t("首页", "Home"))]
        links.append(("/cases", actor.role == .resident ? lang.t("我的诉求", "My requests") : lang.t("诉求办理", "Cases")))
        if CaseMachine.dispatchers.contains(actor.role) { links.append(("/cases/hotline", lang.t("热线录入", "Hotline"))) }
        if [.admin, .streetStaff, .communityStaff, .gridWorker].contains(actor.role) {
            links.append((actor.role == .gridWorker ? "/patrol" : "/patrols", lang.t("巡查走访", "Patrols & visits")))
        }
        if actor.role != .partner && actor.role != .propertyStaff && actor.role.isStaff { links.append(("/measures", lang.t("考核统计", "Measures"))) }
        let unlinked = actor.role == .resident && actor.user.residentID == nil
        if ![.partner, .departmentStaff].contains(actor.role) && !unlinked { links.append((actor.role == .resident ? "/my/property" : "/property", lang.t("物业服务", "Property"))) }
        if CommandCentreAccess.roles.contains(actor.role) { links.append(("/command", lang.t("指挥中心", "Command centre"))) }
        if actor.can(.viewOrg) { links.append((SiteURL.org.path, lang.t("组织网格", "Org & grids"))) }
        if actor.can(.viewResidents) { links.append((SiteURL.residents(query: []).path, lang.t("居民信息", "Residents"))) }
        if actor.can(.approveLinks) { links.append((SiteURL.linkRequests.path, lang.t("认证审核", "Link requests"))) }
        if actor.can(.manageUsers) { links.append((SiteURL.users.path, lang.t("账号", "Accounts"))) }
        if actor.role == .admin { links.append(("/case-categories", lang.t("诉求类别", "Categories"))) }
        if actor.can(.viewAudit) { links.append((SiteURL.audit(query: []).path, lang.t("操作日志", "Audit log"))) }
        let current = req.url.path
        // The longest link that leads to this page is the current one (/cases/hotline, not also /cases).
        let best = links.map(\.0).filter { $0 == "/" ? current == "/" : current.hasPrefix($0) }.max { $0.count < $1.count }
        return HTML(links.map { href, label in
            let active = href == best
            return "<a href=\"\(href)\"\(HTML(raw: active ? " aria-current=\"page\"" : ""))>\(label)</a>"
        })
    }

    private func userMenu(_ lang: Lang) -> HTML {
        guard let actor = req.actor else {
            return "<a href=\"\(SiteURL.login(next: nil).path)\">\(lang.t("登录", "Log in"))</a>"
        }
        return """
        <span class="me">\(actor.user.displayName) · \(actor.role.label(lang))</span>
        <a href="/notifications">\(lang.t("消息", "Messages"))</a>
        <a href="\(SiteURL.password.path)">\(lang.t("改密码", "Password"))</a>
        <form method="post" action="\(SiteURL.logout.path)" class="inline">\(Form.csrf(req))<button class="link">\(lang.t("退出", "Log out"))</button></form>
        """
    }
}

/// A one-time message shown on the next page (after a redirect).
struct Flash {
    let kind: String
    let text: String
}

extension Request {
    func flash(_ text: String, kind: String = "ok") {
        session.data["flash"] = kind + "|" + text
    }

    func takeFlash() -> Flash? {
        guard hasSession, let raw = session.data["flash"] else { return nil }
        session.data["flash"] = nil
        let parts = raw.split(separator: "|", maxSplits: 1).map(String.init)
        return parts.count == 2 ? Flash(kind: parts[0], text: parts[1]) : nil
    }
}

enum ErrorPage {
    static func render(_ error: APIError, request: Request) -> HTML {
        let lang = request.lang
        let title = switch error.status.code {
        case 404: lang.t("页面不存在", "Not found")
        case 403: lang.t("无权访问", "Not allowed")
        case 401: lang.t("请先登录", "Please log in")
        case 429: lang.t("请稍后再试", "Slow down")
        case 400..<500: lang.t("输入有误", "Please check your input")
        default: lang.t("出错了", "Something went wrong")
        }
        return Layout(req: request, title: title).render("""
        <p class="error">\(error.text(lang))</p>
        <p><a href="\(SiteURL.home.path)" data-back>\(lang.t("返回上一页", "Go back"))</a> · <a href="\(SiteURL.home.path)">\(lang.t("首页", "Home"))</a></p>
        """)
    }
}
