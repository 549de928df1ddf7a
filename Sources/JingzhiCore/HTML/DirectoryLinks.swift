import Vapor

/// A link another feature adds to the services directory (附近服务), e.g. "our partners"; the directory names no feature.
package struct DirectoryLink: Sendable {
    /// Place among the links: they sort by it.
    package let order: Int
    /// The link for this request's viewer, or nil when it is not for them.
    package let link: @Sendable (Request) -> (href: String, label: String, note: String)?

    package init(order: Int, link: @escaping @Sendable (Request) -> (href: String, label: String, note: String)?) {
        self.order = order
        self.link = link
    }
}

extension Application {
    private struct DirectoryLinksKey: StorageKey { typealias Value = [DirectoryLink] }

    /// Links features register for the services directory.
    package var directoryLinks: [DirectoryLink] {
        get { storage[DirectoryLinksKey.self] ?? [] }
        set { storage[DirectoryLinksKey.self] = newValue }
    }
}

extension Request {
    /// The registered directory links for this viewer, in order.
    package var directoryLinks: [(href: String, label: String, note: String)] {
        application.directoryLinks.sorted { $0.order < $1.order }.compactMap { $0.link(self) }
    }
}
