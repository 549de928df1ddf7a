import Fluent
import Foundation

extension Boundary {
    /// The area of the outer ring's bounding box, in square degrees: enough to tell a small grid from a large one.
    var boxArea: Double {
        guard let outer = rings.first, !outer.isEmpty else { return .infinity }
        let xs = outer.map { $0[0] }, ys = outer.map { $0[1] }
        return (xs.max()! - xs.min()!) * (ys.max()! - ys.min()!)
    }

    /// Whether the point lies inside the polygon: inside the outer ring (its edge counts as inside)
    /// and not strictly inside any hole. Coordinates are longitude/latitude, as in GeoJSON.
    func contains(longitude x: Double, latitude y: Double) -> Bool {
        guard let outer = rings.first, Self.ring(outer, contains: x, y, edgeCounts: true) else { return false }
        return !rings.dropFirst().contains { Self.ring($0, contains: x, y, edgeCounts: false) }
    }

    /// Even–odd ray casting towards +x, with an explicit on-edge test so border points are decided on purpose.
    static func ring(_ ring: [[Double]], contains x: Double, _ y: Double, edgeCounts: Bool) -> Bool {
        guard ring.count >= 4 else { return false }
        let xs = ring.map { $0[0] }, ys = ring.map { $0[1] }
        guard x >= xs.min()!, x <= xs.max()!, y >= ys.min()!, y <= ys.max()! else { return false }
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let (xi, yi, xj, yj) = (xs[i], ys[i], xs[j], ys[j])
            if onSegment(x, y, xi, yi, xj, yj) { return edgeCounts }
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                inside.toggle()
            }
            j = i
        }
        return inside
    }

    private static func onSegment(_ x: Double, _ y: Double, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> Bool {
        let cross = (x - x1) * (y2 - y1) - (y - y1) * (x2 - x1)
        let scale = max(abs(x2 - x1), abs(y2 - y1), 1e-12)
        guard abs(cross) <= 1e-12 * scale else { return false }
        return x >= min(x1, x2) - 1e-12 && x <= max(x1, x2) + 1e-12 && y >= min(y1, y2) - 1e-12 && y <= max(y1, y2) + 1e-12
    }
}

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
