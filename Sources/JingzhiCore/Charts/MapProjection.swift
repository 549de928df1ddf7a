import Foundation

/// Fits a `GeoBox` into an SVG viewBox: equirectangular, longitude shrunk by cos(middle latitude) so shapes keep
/// their proportions (fine at city scale), north up, centred inside `width`×`height` with `padding` on every side.
package struct MapProjection: Sendable, Equatable {
    package let box: GeoBox
    package let width: Double
    package let height: Double
    package let padding: Double
    /// SVG units per ground degree (a degree of latitude).
    package let scale: Double
    private let k: Double
    private let offsetX: Double
    private let offsetY: Double

    package init(box: GeoBox, width: Double, height: Double, padding: Double = 12) {
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

    /// A canvas `width` wide and exactly as tall as the box needs (no letterboxing): drawings of one grid or track.
    package init(fitting box: GeoBox, width: Double = 480, padding: Double = 12) {
        let k = box.groundFactor
        let spanX = max((box.east - box.west) * k, 1e-9), spanY = max(box.north - box.south, 1e-9)
        let scale = (width - 2 * padding) / max(spanX, spanY)
        self.init(box: box, width: spanX * scale + 2 * padding, height: spanY * scale + 2 * padding, padding: padding)
    }

    package func x(_ p: GeoPoint) -> Double { project(lon: p.lon, lat: p.lat).x }
    package func y(_ p: GeoPoint) -> Double { project(lon: p.lon, lat: p.lat).y }

    /// "x,y" with one decimal, for SVG attributes.
    package func xy(_ p: GeoPoint) -> String {
        let (x, y) = project(lon: p.lon, lat: p.lat)
        return SVGNumber.format(x) + "," + SVGNumber.format(y)
    }

    /// An SVG path through the points ("M…L…").
    package func path(_ points: [GeoPoint], closed: Bool = false) -> String {
        guard !points.isEmpty else { return "" }
        return "M" + points.map(xy).joined(separator: "L") + (closed ? "Z" : "")
    }

    /// SVG path data for a boundary: one closed subpath per ring (draw with `fill-rule="evenodd"` for holes).
    package func pathData(_ boundary: Boundary) -> String {
        boundary.polygon.rings.map { path($0, closed: true) }.joined()
    }
}

/// Numbers in SVG attributes: one decimal, no "-0.0".
package enum SVGNumber {
    package static func format(_ v: Double) -> String {
        let s = String(format: "%.1f", v)
        return s == "-0.0" ? "0.0" : s
    }
}
