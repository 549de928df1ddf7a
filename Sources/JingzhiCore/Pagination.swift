import Vapor

/// Page number and size read from `page` and `per` query parameters (1-based, at most 100 a page, at most
/// `maxPage` pages, so the offset can never overflow).
package struct PageRequest: Sendable {
    package static let maxPage = 100_000
    package let page: Int
    package let per: Int
    package var offset: Int { (page - 1) * per }
    /// The rows of this page, for `QueryBuilder.range`.
    package var range: Range<Int> { offset..<(offset + per) }

    package init(page: Int = 1, per: Int = 20) {
        self.page = min(Self.maxPage, max(1, page))
        self.per = min(100, max(1, per))
    }

    package init(_ req: Request, defaultPer: Int = 20) throws {
        let page = try req.query.get(Int?.self, at: "page") ?? 1
        let per = try req.query.get(Int?.self, at: "per") ?? defaultPer
        guard (1...Self.maxPage).contains(page) else {
            throw APIError.invalid("page", "页码须在 1–\(Self.maxPage) 之间 (page must be 1–\(Self.maxPage))")
        }
        guard (1...100).contains(per) else { throw APIError.invalid("per", "每页条数须在 1–100 之间 (per must be 1–100)") }
        self.init(page: page, per: per)
    }
}

/// One page of a list, the shape every list endpoint returns.
package struct Paged<Item: Content>: Content {
    package let items: [Item]
    package let total: Int
    package let page: Int
    package let per: Int

    package init(items: [Item], total: Int, page: Int, per: Int) {
        self.items = items
        self.total = total
        self.page = page
        self.per = per
    }
}
