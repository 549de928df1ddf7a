import Vapor

/// A group of the navigation (诉求, 网格, 服务, …): a menu of its links once there are more than a few.
package struct NavSection: Sendable, Hashable {
    package let key: String
    package let zh: String
    package let en: String
    /// Place in the bar; sections sort by it.
    package let order: Int

    package init(_ key: String, zh: String, en: String, order: Int) {
        self.key = key
        self.zh = zh
        self.en = en
        self.order = order
    }

    /// Where a link that names no section goes.
    package static let more = NavSection("more", zh: "更多", en: "More", order: 1000)
}

/// One link of the staff navigation, registered by the feature that owns the page.
package struct NavItem: Sendable {
    /// Place in the bar: links sort by it, so features need not know each other.
    package let order: Int
    package let section: NavSection
    /// The link for this request's viewer, or nil when the viewer may not see it.
    package let link: @Sendable (Request) -> (href: String, label: String)?

    package init(order: Int, section: NavSection = .more, link: @escaping @Sendable (Request) -> (href: String, label: String)?) {
        self.order = order
        self.section = section
        self.link = link
    }
}

/// What features add to every page's frame: navigation links and the signed-in user's menu.
package struct PageChrome: Sendable {
    package var navigation: [NavItem] = []
    /// The account corner of the header (who is signed in, log out), or a log-in link.
    package var userMenu: @Sendable (Request) -> HTML = { _ in .empty }
    /// Whether a user is signed in on this request (the navigation shows only then).
    package var signedIn: @Sendable (Request) -> Bool = { _ in false }
    /// A class for the page's body, e.g. `care` for an account in care mode (larger text, higher contrast).
    package var bodyClass: @Sendable (Request) -> String? = { _ in nil }
    /// What goes into every page's head after the stylesheet and script (the web app manifest).
    package var head: @Sendable (Request) -> HTML = { _ in .empty }

    package init() {}
}

extension Application {
    private struct PageChromeKey: StorageKey { typealias Value = PageChrome }

    package var pageChrome: PageChrome {
        get { storage[PageChromeKey.self] ?? PageChrome() }
        set { storage[PageChromeKey.self] = newValue }
    }
}
