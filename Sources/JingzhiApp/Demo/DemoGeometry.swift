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
