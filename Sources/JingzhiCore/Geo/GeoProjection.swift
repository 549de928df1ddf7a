import Foundation

/// Maps longitude/latitude onto an SVG canvas: equirectangular, longitude shrunk by cos(latitude) so shapes keep
/// their proportions (the same projection as the boundary drawings), north up, with padding.
package struct GeoProjection: Sendable {
    package let box: GeoBox
    package let width: Double
    package let height: Double
    package let pad: Double
    private let k: Double
    private let scale: Double

    package init(box: GeoBox, width: Double = 480, pad: Double = 12) {
        self.box = box
        self.pad = pad
        k = cos((box.minLat + box.maxLat) / 2 * .pi / 180)
        let spanX = max((box.maxLon - box.minLon) * k, 1e-9), spanY = max(box.maxLat - box.minLat, 1e-9)
        scale = (width - 2 * pad) / max(spanX, spanY)
        self.width = spanX * scale + 2 * pad
        height = spanY * scale + 2 * pad
    }

    package func x(_ p: GeoPoint) -> Double { (p.lon - box.minLon) * k * scale + pad }
    package func y(_ p: GeoPoint) -> Double { (box.maxLat - p.lat) * scale + pad }

    /// "x,y" with one decimal, for SVG attributes.
    package func xy(_ p: GeoPoint) -> String { String(format: "%.1f,%.1f", x(p), y(p)) }

    /// An SVG path through the points ("M…L…").
    package func path(_ points: [GeoPoint], closed: Bool = false) -> String {
        guard !points.isEmpty else { return "" }
        return "M" + points.map(xy).joined(separator: "L") + (closed ? "Z" : "")
    }
}
