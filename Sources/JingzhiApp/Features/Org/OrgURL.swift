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
        case removeWorker(UUID, worker: UUID)
        case sign(code: String)
        case signBoundarySVG(code: String)

        enum Pattern {
            static let tree = RoutePattern("/org")
            static let node = RoutePattern("/org/:id")
            static let newChild = RoutePattern("/org/:id/new", .GET, .POST)
            static let edit = RoutePattern("/org/:id/edit", .GET, .POST)
            static let move = RoutePattern("/org/:id/move", .GET, .POST)
            static let boundary = RoutePattern("/org/:id/boundary", .GET, .POST)
            static let delete = RoutePattern("/org/:id/delete", .GET, .POST)
            static let workers = RoutePattern("/org/:id/workers", .GET, .POST)
            static let removeWorker = RoutePattern("/org/:id/workers/:workerId/delete", .POST)
            static let sign = RoutePattern("/sign/:code")
            static let signBoundarySVG = RoutePattern("/sign/:code/boundary.svg")
            static let all = [tree, node, newChild, edit, move, boundary, delete, workers, removeWorker, sign, signBoundarySVG]
        }

        var path: String {
            switch self {
            case .tree: Pattern.tree.path()
            case .node(let id): Pattern.node.path(id)
            case .newChild(let parent): Pattern.newChild.path(parent)
            case .edit(let id): Pattern.edit.path(id)
            case .move(let id): Pattern.move.path(id)
            case .boundary(let id): Pattern.boundary.path(id)
            case .delete(let id): Pattern.delete.path(id)
            case .workers(let id): Pattern.workers.path(id)
            case .removeWorker(let id, let worker): Pattern.removeWorker.path(id, worker)
            case .sign(let code): Pattern.sign.path(code)
            case .signBoundarySVG(let code): Pattern.signBoundarySVG.path(code)
            }
        }
    }
}
