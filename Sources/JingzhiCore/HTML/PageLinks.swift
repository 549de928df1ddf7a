import Foundation
import Vapor

/// A link another feature offers on a record's page ("raise as a topic" on a case or a visit), so the page's feature
/// names none of them. Keyed by the page (`case`, `visit`); each provider answers for one record and this viewer.
package struct PageLink: Sendable, Equatable {
    package let href: String
    package let label: String

    package init(href: String, label: String) {
        self.href = href
        self.label = label
    }
}

package struct PageLinks: Sendable {
    package typealias Provider = @Sendable (_ req: Request, _ id: UUID) async throws -> PageLink?
    private var providers: [String: [Provider]] = [:]

    package init() {}

    package mutating func add(_ page: String, _ provider: @escaping Provider) { providers[page, default: []].append(provider) }

    /// Every feature's link for this record and viewer.
    package func links(_ page: String, _ req: Request, id: UUID) async throws -> [PageLink] {
        var out: [PageLink] = []
        for p in providers[page] ?? [] { if let link = try await p(req, id) { out.append(link) } }
        return out
    }
}

extension Application {
    private struct PageLinksKey: StorageKey { typealias Value = PageLinks }

    package var pageLinks: PageLinks {
        get { storage[PageLinksKey.self] ?? PageLinks() }
        set { storage[PageLinksKey.self] = newValue }
    }
}
