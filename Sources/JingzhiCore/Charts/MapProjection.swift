import Foundation

/// A longitude/latitude rectangle (WGS 84 degrees).
package struct MapBox: Sendable, Equatable, Codable {
    package var west: Double
    package var south: Double
    package var east: Double
    package var north: Double

    /// The smallest box around the points `[lon, lat]`; nil for no points.
    package init?(points: [[Double]]) {
        guard let first = points.first, first.count >= 2 else { return nil }
        var box = MapBox(west: first[0], south: first[1], east: first[0], north: first[1])
        for p in points.dropFirst() where p.count >= 2 { box.extend(lon: p[0], lat: p[1]) }
        self = box
    }

    package init(west: Double, south: Double, east: Double, north: Double) {
        self.west = west
        self.south = south
        self.east = east
        self.north = north
    }

    /// The box around every ring of every boundary; nil when there are none.
    package init?(boundaries: [Boundary]) {
        self.init(points: boundaries.flatMap { $0.rings.flatMap { $0 } })
    }

    package mutating func extend(lon: Double, lat: Double) {
        west = min(west, lon)
        east = max(east, lon)
        south = min(south, lat)
        north = max(north, lat)
    }

    package func contains(lon: Double, lat: Double) -> Bool {
        lon >= west && lon <= east && lat >= south && lat <= north
    }

    /// Shrink factor of a degree of longitude against one of latitude in the middle of the box.
    package var groundFactor: Double { cos((south + north) / 2 * .pi / 180) }
}

/// Fits a `MapBox` into an SVG viewBox: equirectangular, longitude shrunk by cos(middle latitude) so shapes keep
/// their proportions (fine at city scale), north up, centred inside `width`×`height` with `padding` on every side.
package struct MapProjection: Sendable, Equatable {
    package let box: MapBox
    package let width: Double
    package let height: Double
    package let padding: Double
    /// SVG units per ground degree (a degree of latitude).
    package let scale: Double
    private let k: Double
    private let offsetX: Double
    private let offsetY: Double

    package init(box: MapBox, width: Double, height: Double, padding: Double = 12) {
        self.box = box
        self.width = width
        self.height = height
        self.padding = padding
        k = box.groundFactor
        let spanX = max((box.east - box.west) * k, 1e-9), spanY = max(box.north - box.south, 1e-9)
        scale = min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY)
        offsetX = (width - spanX * scale) / 2
        offsetY = (height - spanY * scale) / 2
    }

    package func project(lon: Double, lat: Double) -> (x: Double, y: Double) {
        ((lon - box.west) * k * scale + offsetX, (box.north - lat) * scale + offsetY)
    }

    /// The inverse of `project`: where an SVG point lies on the ground.
    package func unproject(x: Double, y: Double) -> (lon: Double, lat: Double) {
        ((x - offsetX) / (k * scale) + box.west, box.north - (y - offsetY) / scale)
    }

    /// SVG path data for a boundary: one closed subpath per ring (draw with `fill-rule="evenodd"` for holes).
    package func pathData(_ boundary: Boundary) -> String {
        boundary.rings.map { ring in
            "M" + ring.map { p in
                let (x, y) = project(lon: p[0], lat: p[1])
                return SVGNumber.format(x) + "," + SVGNumber.format(y)
            }.joined(separator: "L") + "Z"
        }.joined()
    }
}

/// Numbers in SVG attributes: one decimal, no "-0.0".
package enum SVGNumber {
    package static func format(_ v: Double) -> String {
        let s = String(format: "%.1f", v)
        return s == "-0.0" ? "0.0" : s
    }
}
