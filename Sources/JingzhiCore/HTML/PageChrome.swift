import Vapor

/// One link of the staff navigation, registered by the feature that owns the page.
package struct NavItem: Sendable {
    /// Place in the bar: links sort by it, so features need not know each other.
    package let order: Int
    /// The link for this request's viewer, or nil when the viewer may not see it.
    package let link: @Sendable (Request) -> (href: String, label: String)?

    package init(order: Int, link: @escaping @Sendable (Request) -> (href: String, label: String)?) {
        self.order = order
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

    package init() {}
}

extension Application {
    private struct PageChromeKey: StorageKey { typealias Value = PageChrome }

    package var pageChrome: PageChrome {
        get { storage[PageChromeKey.self] ?? PageChrome() }
        set { storage[PageChromeKey.self] = newValue }
    }
}
