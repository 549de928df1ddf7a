import Fluent
import Foundation
import JingzhiCore

enum GridLocator {
    /// The grid whose boundary contains the point, inside the boundaries of its community and street where those are
    /// drawn (so a grid drawn over another area cannot draw that area's cases in); when grids overlap, the smallest,
    /// then the first in tree order. Grids without a boundary (or with one that no longer parses) are skipped.
    static func grid(latitude: Double, longitude: Double, on db: any Database) async throws -> OrgNode? {
        let nodes = try await OrgNode.query(on: db)
            .filter(\.$kindRaw ~~ [NodeKind.street.rawValue, NodeKind.community.rawValue, NodeKind.grid.rawValue])
            .filter(\.$boundary != nil)
            .sort(\.$path)
            .all()
        var areas: [String: Boundary] = [:]
        for n in nodes where n.kind != .grid { if let text = n.boundary, let b = try? Boundary.parse(text: text) { areas[n.path] = b } }
        let width = PathSegment.width
        let found = nodes.filter { $0.kind == .grid }.compactMap { node -> (OrgNode, Double)? in
            guard let text = node.boundary, let boundary = try? Boundary.parse(text: text),
                  boundary.contains(longitude: longitude, latitude: latitude) else { return nil }
            let above = stride(from: width, to: node.path.count, by: width).compactMap { areas[String(node.path.prefix($0))] }
            guard above.allSatisfy({ $0.contains(longitude: longitude, latitude: latitude) }) else { return nil }
            return (node, boundary.boxArea)
        }
        return found.min { $0.1 < $1.1 }?.0
    }
}
