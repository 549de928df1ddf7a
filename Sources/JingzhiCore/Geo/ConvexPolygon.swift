import Foundation

/// A point in a flat plane (for the demo: longitude scaled by the ground factor, latitude).
package struct PlanePoint: Sendable, Equatable {
    package var x: Double
    package var y: Double

    package init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A convex polygon, counter-clockwise, without the closing point; empty when nothing is left of it.
/// Cutting a convex polygon by half-planes keeps it convex, which is how areas are tessellated: a Voronoi cell of a
/// site is its parent cut by the half-plane nearer that site than each other one, so cells nest and never overlap.
package struct ConvexPolygon: Sendable, Equatable {
    package private(set) var points: [PlanePoint]

    /// The polygon through `points`, which must already be convex and counter-clockwise; fewer than three make it empty.
    package init(_ points: [PlanePoint]) { self.points = points.count >= 3 ? points : [] }

    /// The convex hull of `points` (Andrew's monotone chain).
    package static func hull(_ points: [PlanePoint]) -> ConvexPolygon {
        let sorted = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard sorted.count >= 3 else { return ConvexPolygon([]) }
        func half(_ list: [PlanePoint]) -> [PlanePoint] {
            var chain: [PlanePoint] = []
            for p in list {
                while chain.count >= 2 && cross(chain[chain.count - 2], chain[chain.count - 1], p) <= 0 { chain.removeLast() }
                chain.append(p)
            }
            return chain
        }
        return ConvexPolygon(Array(half(sorted).dropLast()) + Array(half(sorted.reversed()).dropLast()))
    }

    package var isEmpty: Bool { points.isEmpty }

    /// The shoelace area (positive: counter-clockwise).
    package var area: Double {
        guard !isEmpty else { return 0 }
        return points.indices.reduce(0) { sum, i in
            let p = points[i], q = points[(i + 1) % points.count]
            return sum + (p.x * q.y - q.x * p.y)
        } / 2
    }

    /// The centre of mass of the area (the mean of the corners for a degenerate polygon).
    package var centroid: PlanePoint {
        let a = area
        guard abs(a) > 1e-18 else {
            let n = Double(max(points.count, 1))
            return PlanePoint(x: points.map(\.x).reduce(0, +) / n, y: points.map(\.y).reduce(0, +) / n)
        }
        var cx = 0.0, cy = 0.0
        for i in points.indices {
            let p = points[i], q = points[(i + 1) % points.count]
            let k = p.x * q.y - q.x * p.y
            cx += (p.x + q.x) * k
            cy += (p.y + q.y) * k
        }
        return PlanePoint(x: cx / (6 * a), y: cy / (6 * a))
    }

    /// Inside or on the edge.
    package func contains(_ p: PlanePoint, tolerance: Double = 1e-12) -> Bool {
        guard !isEmpty else { return false }
        return points.indices.allSatisfy { Self.cross(points[$0], points[($0 + 1) % points.count], p) >= -tolerance }
    }

    /// What lies nearer `site` than `other` (the half-plane on `site`'s side of their bisector).
    package func cut(nearer site: PlanePoint, than other: PlanePoint) -> ConvexPolygon {
        let mx = (site.x + other.x) / 2, my = (site.y + other.y) / 2
        let dx = other.x - site.x, dy = other.y - site.y
        return clip { ($0.x - mx) * dx + ($0.y - my) * dy }
    }

    /// The part of this polygon inside `other`.
    package func intersection(_ other: ConvexPolygon) -> ConvexPolygon {
        var out = self
        for i in other.points.indices where !out.isEmpty {
            let a = other.points[i], b = other.points[(i + 1) % other.points.count]
            out = out.clip { -Self.cross(a, b, $0) }
        }
        return out
    }

    /// Shrunk (or grown) by `factor` about `centre`; a convex polygon shrunk about an inner point stays inside itself.
    package func scaled(_ factor: Double, about centre: PlanePoint) -> ConvexPolygon {
        ConvexPolygon(points.map { PlanePoint(x: centre.x + ($0.x - centre.x) * factor, y: centre.y + ($0.y - centre.y) * factor) })
    }

    /// The Voronoi cells of `sites` clipped to this polygon, one per site, in the sites' order.
    package func voronoi(_ sites: [PlanePoint]) -> [ConvexPolygon] {
        sites.indices.map { i in
            var cell = self
            for j in sites.indices where j != i && !cell.isEmpty { cell = cell.cut(nearer: sites[i], than: sites[j]) }
            return cell
        }
    }

    /// Lloyd's relaxation: each site moves to its cell's centroid, `rounds` times, which evens out the cells' sizes.
    package func relaxed(_ sites: [PlanePoint], rounds: Int) -> [PlanePoint] {
        var sites = sites
        for _ in 0..<rounds {
            sites = zip(sites, voronoi(sites)).map { site, cell in cell.isEmpty ? site : cell.centroid }
        }
        return sites
    }

    /// Sutherland–Hodgman against one half-plane: keeps the points where `side` is at most zero.
    private func clip(_ side: (PlanePoint) -> Double) -> ConvexPolygon {
        var out: [PlanePoint] = []
        for i in points.indices {
            let p = points[i], q = points[(i + 1) % points.count]
            let sp = side(p), sq = side(q)
            if sp <= 0 { out.append(p) }
            if (sp < 0 && sq > 0) || (sp > 0 && sq < 0) {
                let t = sp / (sp - sq)
                out.append(PlanePoint(x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t))
            }
        }
        return ConvexPolygon(out)
    }

    /// Positive when `p` lies left of the line from `a` to `b`.
    private static func cross(_ a: PlanePoint, _ b: PlanePoint, _ p: PlanePoint) -> Double {
        (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
    }
}
