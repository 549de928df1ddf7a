import Vapor

/// Page number and size read from `page` and `per` query parameters (1-based, at most 100 a page).
struct PageRequest: Sendable {
    let page: Int
    let per: Int
    var offset: Int { (page - 1) * per }

    init(page: Int = 1, per: Int = 20) {
        self.page = max(1, page)
        self.per = min(100, max(1, per))
    }

    init(_ req: Request, defaultPer: Int = 20) throws {
        let page = try req.query.get(Int?.self, at: "page") ?? 1
        let per = try req.query.get(Int?.self, at: "per") ?? defaultPer
        guard page >= 1 else { throw APIError.invalid("page", "页码须为正整数 (page must be ≥ 1)") }
        guard (1...100).contains(per) else { throw APIError.invalid("per", "每页条数须在 1–100 之间 (per must be 1–100)") }
        self.init(page: page, per: per)
    }
}

/// One page of a list, the shape every list endpoint returns.
struct Paged<Item: Content>: Content {
    let items: [Item]
    let total: Int
    let page: Int
    let per: Int
}
