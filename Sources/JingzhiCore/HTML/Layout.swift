import Vapor

/// The page frame: header, navigation for the signed-in role, flash message, content.
package struct Layout {
    package let req: Request
    package let title: String
    /// Staff tables want the full width of a desk screen; residents and forms read better narrow.
    package var wide: Bool = false

    package init(req: Request, title: String, wide: Bool = false) {
        self.req = req
        self.title = title
        self.wide = wide
    }

    package func render(_ content: HTML) -> HTML {
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
        \(req.application.pageChrome.head(req))
        </head>
        <body\(HTML(raw: req.application.pageChrome.bodyClass(req).map { " class=\"\(HTML.escape($0))\"" } ?? ""))>
        <a class="skip" href="#main">\(lang.t("跳到正文", "Skip to content"))</a>
        <header class="top">
          <a class="brand" href="\(SiteURL.home.path)">\(lang.t("精治", "Jingzhi")) <small>\(lang.t("社区治理平台", "community governance"))</small></a>
          <nav class="main" aria-label="\(lang.t("主导航", "Main"))">\(navigation(lang))</nav>
          <div class="who">\(req.application.pageChrome.userMenu(req))
            <a class="lang" href="\(SiteURL.language(other, back: back).path)">\(other == .en ? "English" : "中文")</a>
          </div>
        </header>
        <main id="main" tabindex="-1" class="\(wide ? "wide" : "narrow")">
        \(flash.map { HTML("<p class=\"flash \($0.kind)\" role=\"status\">\($0.text)</p>") } ?? .empty)
        <h1>\(title)</h1>
        \(content)
        </main>
        </body>
        </html>
        """
    }

    /// Up to `flatLimit` links stand in one row; more are grouped into their sections' menus (details/summary,
    /// so they open without script).
    static let flatLimit = 5

    private func navigation(_ lang: Lang) -> HTML {
        let chrome = req.application.pageChrome
        guard chrome.signedIn(req) else { return .empty }
        let items = chrome.navigation.sorted { ($0.section.order, $0.order) < ($1.section.order, $1.order) }
            .compactMap { item in item.link(req).map { (section: item.section, href: $0.href, label: $0.label) } }
        let current = req.url.path
        // The longest link that leads to this page is the current one (/cases/hotline, not also /cases).
        let best = ([SiteURL.home.path] + items.map { $0.href }).filter { $0 == "/" ? current == "/" : current.hasPrefix($0) }.max { $0.count < $1.count }
        func link(_ href: String, _ label: String) -> HTML {
            "<a href=\"\(href)\"\(HTML(raw: href == best ? " aria-current=\"page\"" : ""))>\(label)</a>"
        }
        let home = link(SiteURL.home.path, lang.t("首页", "Home"))
        guard items.count > Self.flatLimit else { return HTML([home] + items.map { link($0.href, $0.label) }) }
        var sections: [(NavSection, [HTML], Bool)] = []
        for item in items {
            if sections.last?.0 != item.section { sections.append((item.section, [], false)) }
            sections[sections.count - 1].1.append("<li>\(link(item.href, item.label))</li>")
            if item.href == best { sections[sections.count - 1].2 = true }
        }
        return HTML([home] + sections.map { section, links, here -> HTML in
            """
            <details class="navsec"\(HTML(raw: here ? " data-current" : ""))><summary>\(lang.t(section.zh, section.en))</summary><ul>\(links)</ul></details>
            """
        })
    }
}

/// A one-time message shown on the next page (after a redirect).
package struct Flash {
    package let kind: String
    package let text: String

    package init(kind: String, text: String) {
        self.kind = kind
        self.text = text
    }
}

extension Request {
    package func flash(_ text: String, kind: String = "ok") {
        session.data["flash"] = kind + "|" + text
    }

    package func takeFlash() -> Flash? {
        guard hasSession, let raw = session.data["flash"] else { return nil }
        session.data["flash"] = nil
        let parts = raw.split(separator: "|", maxSplits: 1).map(String.init)
        return parts.count == 2 ? Flash(kind: parts[0], text: parts[1]) : nil
    }
}

package enum ErrorPage {
    package static func render(_ error: APIError, request: Request) -> HTML {
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
        <p class="error">\(request.words(error))</p>
        <p><a href="\(SiteURL.home.path)" data-back>\(lang.t("返回上一页", "Go back"))</a> · <a href="\(SiteURL.home.path)">\(lang.t("首页", "Home"))</a></p>
        """)
    }
}
