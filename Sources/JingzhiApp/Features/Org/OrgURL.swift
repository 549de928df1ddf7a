import Foundation
import JingzhiCore

extension SiteURL {
    /// The org and grid tree, and the printed grid signs.
    enum Org {
        case tree
        case node(UUID)
        case newChild(parent: UUID)
        case edit(UUID)
        case move(UUID)
        case boundary(UUID)
        case delete(UUID)
        case workers(UUID)
        case sign(code: String)
        case signBoundarySVG(code: String)

        var path: String {
            switch self {
            case .tree: "/org"
            case .node(let id): "/org/\(id)"
            case .newChild(let parent): "/org/\(parent)/new"
            case .edit(let id): "/org/\(id)/edit"
            case .move(let id): "/org/\(id)/move"
            case .boundary(let id): "/org/\(id)/boundary"
            case .delete(let id): "/org/\(id)/delete"
            case .workers(let id): "/org/\(id)/workers"
            case .sign(let code): "/sign/\(SiteURL.escape(code))"
            case .signBoundarySVG(let code): "/sign/\(SiteURL.escape(code))/boundary.svg"
            }
        }
    }
}
