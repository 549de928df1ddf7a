import Vapor

/// A tile on a resident's phone home, registered by the feature that owns the page (Home names no feature).
package struct HomeTile: Sendable {
    /// Place among the tiles: they sort by it.
    package let order: Int
    /// Kept in care mode (长辈模式), which shows only the few tiles an elderly resident needs.
    package let essential: Bool
    /// The tile for this request's viewer, or nil when it is not for them; `badge` is a count drawn on it (unread, due).
    package let tile: @Sendable (Request) async throws -> (href: String, label: String, badge: Int?)?

    package init(order: Int, essential: Bool = false, tile: @escaping @Sendable (Request) async throws -> (href: String, label: String, badge: Int?)?) {
        self.order = order
        self.essential = essential
        self.tile = tile
    }
}

/// A block of a resident's home above the tiles (unread notices first), registered by its feature.
package struct HomeSection: Sendable {
    package let order: Int
    package let render: @Sendable (Request) async throws -> HTML?

    package init(order: Int, render: @escaping @Sendable (Request) async throws -> HTML?) {
        self.order = order
        self.render = render
    }
}

/// What features add to the residents' home.
package struct HomeParts: Sendable {
    package var tiles: [HomeTile] = []
    package var sections: [HomeSection] = []
    package init() {}
}

extension Application {
    private struct HomePartsKey: StorageKey { typealias Value = HomeParts }

    package var homeParts: HomeParts {
        get { storage[HomePartsKey.self] ?? HomeParts() }
        set { storage[HomePartsKey.self] = newValue }
    }
}
