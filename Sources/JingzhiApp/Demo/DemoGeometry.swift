import Foundation
import JingzhiCore

/// A longitude/latitude rectangle; the demo lays streets, communities and grids out as nested tiles,
/// so siblings never overlap and every child sits inside its parent.
struct DemoRect: Sendable, Equatable {
    var west: Double
    var south: Double
    var east: Double
    var north: Double

    var width: Double { east - west }
    var height: Double { north - south }

    /// `n` tiles covering this rectangle row by row from the north-west; the last row's tiles widen to
    /// fill it. Each tile is inset by `margin` (a share of its size) so neighbours show a visible gap.
    func tiles(_ n: Int, margin: Double = 0.03) -> [DemoRect] {
        guard n > 0 else { return [] }
        // Choose columns so tiles come out roughly square on the ground (a degree of longitude is shorter).
        let ground = width * GeoBox(west: west, south: south, east: east, north: north).groundFactor / height
        let cols = max(1, min(n, Int((Double(n) * ground).squareRoot().rounded())))
        let rows = (n + cols - 1) / cols
        var out: [DemoRect] = []
        for r in 0..<rows {
            let inRow = r == rows - 1 ? n - cols * (rows - 1) : cols
            let top = north - height * Double(r) / Double(rows)
            let bottom = north - height * Double(r + 1) / Double(rows)
            for c in 0..<inRow {
                let left = west + width * Double(c) / Double(inRow)
                let right = west + width * Double(c + 1) / Double(inRow)
                out.append(DemoRect(west: left, south: bottom, east: right, north: top).inset(margin))
            }
        }
        return out
    }

    func inset(_ share: Double) -> DemoRect {
        let dx = width * share, dy = height * share
        return DemoRect(west: west + dx, south: south + dy, east: east - dx, north: north - dy)
    }

    func contains(_ other: DemoRect) -> Bool {
        other.west >= west && other.east <= east && other.south >= south && other.north <= north
    }

    func overlaps(_ other: DemoRect) -> Bool {
        west < other.east && other.west < east && south < other.north && other.south < north
    }

    /// A closed, counter-clockwise ring (RFC 7946), coordinates rounded to about 10 cm.
    var boundary: Boundary {
        func r(_ v: Double) -> Double { (v * 1_000_000).rounded() / 1_000_000 }
        let (w, s, e, n) = (r(west), r(south), r(east), r(north))
        return Boundary(rings: [[[w, s], [e, s], [e, n], [w, n], [w, s]]])
    }

    var geoJSON: String { boundary.geoJSON }
}

/// A demo area as a convex polygon in a plane where x is longitude times `k` (the ground factor), so a plane unit is as
/// long east–west as north–south. The test-sized demo keeps rectangles (tests measure from their straight edges); the
/// county and the city are tessellated: Voronoi cells of scattered sites, relaxed a little, clipped to the parent and
/// shrunk about their centroids, so every child lies inside its parent and siblings never overlap.
struct DemoShape: Sendable {
    let polygon: ConvexPolygon
    let k: Double
    /// Set for a rectangle, which is tiled rather than tessellated.
    let rect: DemoRect?

    init(rect: DemoRect, k: Double) {
        self.rect = rect
        self.k = k
        polygon = ConvexPolygon([(rect.west, rect.south), (rect.east, rect.south), (rect.east, rect.north), (rect.west, rect.north)]
            .map { PlanePoint(x: $0.0 * k, y: $0.1) })
    }

    init(polygon: ConvexPolygon, k: Double) {
        self.polygon = polygon
        self.k = k
        rect = nil
    }

    /// An irregular convex outline inside `rect`: the hull of 14 points round the inscribed ellipse at 86–100 % of its radius.
    static func outline(in rect: DemoRect, _ rng: inout DemoRandom) -> DemoShape {
        let k = GeoBox(west: rect.west, south: rect.south, east: rect.east, north: rect.north).groundFactor
        let cx = (rect.west + rect.east) / 2 * k, cy = (rect.south + rect.north) / 2
        let rx = rect.width / 2 * k, ry = rect.height / 2
        let points = (0..<14).map { i -> PlanePoint in
            let angle = (Double(i) + rng.unit() * 0.6) / 14 * 2 * .pi, r = 0.86 + 0.14 * rng.unit()
            return PlanePoint(x: cx + rx * r * cos(angle), y: cy + ry * r * sin(angle))
        }
        return DemoShape(polygon: .hull(points), k: k)
    }

    /// `n` children: tiles of a rectangle, else a tessellation drawn from `rng`. `margin` (a share of a child's size) keeps
    /// a visible gap between neighbours.
    func children(_ n: Int, margin: Double = 0.03, _ rng: inout DemoRandom) -> [DemoShape] {
        if let rect { return rect.tiles(n, margin: margin).map { DemoShape(rect: $0, k: k) } }
        guard n > 1 else { return [DemoShape(polygon: polygon.scaled(1 - 2 * margin, about: polygon.centroid), k: k)] }
        let xs = polygon.points.map(\.x), ys = polygon.points.map(\.y)
        var sites: [PlanePoint] = []
        while sites.count < n {
            let p = PlanePoint(x: xs.min()! + (xs.max()! - xs.min()!) * rng.unit(), y: ys.min()! + (ys.max()! - ys.min()!) * rng.unit())
            if polygon.contains(p) { sites.append(p) }
        }
        // Two rounds even the sizes out while leaving the cells irregular; north-west first, as the tiles were.
        sites = polygon.relaxed(sites, rounds: 2).sorted { ($0.x - $0.y * 1.5) < ($1.x - $1.y * 1.5) }
        return polygon.voronoi(sites).map { DemoShape(polygon: $0.scaled(1 - 2 * margin, about: $0.centroid), k: k) }
    }

    /// A closed, counter-clockwise ring (RFC 7946), coordinates rounded to about 10 cm.
    var boundary: Boundary {
        if let rect { return rect.boundary }
        func r(_ v: Double) -> Double { (v * 1_000_000).rounded() / 1_000_000 }
        let ring = polygon.points.map { [r($0.x / k), r($0.y)] }
        return Boundary(rings: [ring + [ring[0]]])
    }

    var geoJSON: String { boundary.geoJSON }
}
