import Foundation

/// Square bins over a map box for the heat layer (热力图): many points become a few cells with counts.
/// Cells are square on the ground (a cell spans fewer degrees of latitude than of longitude at 34° N), columns run
/// west→east from `box.west`, rows south→north from `box.south`. A point on a cell's west or south edge belongs to
/// that cell; points on the box's east or north edge belong to the last column or row; points outside the box get
/// no cell.
/// The same arithmetic runs in SQL (`CommandCentreSQL.heatCells`), so the database can bin a million points.
package struct HeatGrid: Sendable, Equatable {
    package struct Cell: Hashable, Sendable, Codable, Comparable {
        package var column: Int
        package var row: Int

        package init(column: Int, row: Int) {
            self.column = column
            self.row = row
        }

        package static func < (a: Cell, b: Cell) -> Bool { (a.row, a.column) < (b.row, b.column) }
    }

    package let box: GeoBox
    package let columns: Int
    package let rows: Int
    /// Degrees of longitude and latitude per cell.
    package let cellLon: Double
    package let cellLat: Double

    /// `columns` cells across the box, as many rows as square cells need to cover it.
    package init(box: GeoBox, columns: Int) {
        self.box = box
        self.columns = max(1, columns)
        cellLon = max(box.east - box.west, 1e-9) / Double(self.columns)
        cellLat = cellLon * box.groundFactor
        rows = max(1, Int((max(box.north - box.south, 1e-9) / cellLat).rounded(.up)))
    }

    package func cell(lon: Double, lat: Double) -> Cell? {
        guard lon.isFinite, lat.isFinite, box.contains(lon: lon, lat: lat) else { return nil }
        // The east and north edges themselves close the last column and row.
        return Cell(column: min(columns - 1, Int(((lon - box.west) / cellLon).rounded(.down))),
                    row: min(rows - 1, Int(((lat - box.south) / cellLat).rounded(.down))))
    }

    /// The ground rectangle of a cell.
    package func bounds(_ cell: Cell) -> GeoBox {
        let west = box.west + Double(cell.column) * cellLon, south = box.south + Double(cell.row) * cellLat
        return GeoBox(west: west, south: south, east: west + cellLon, north: south + cellLat)
    }

    /// Counts of the points `(lon, lat)` per cell; points outside the box are left out.
    package func bin(_ points: [(lon: Double, lat: Double)]) -> [Cell: Int] {
        var out: [Cell: Int] = [:]
        for p in points {
            if let c = cell(lon: p.lon, lat: p.lat) { out[c, default: 0] += 1 }
        }
        return out
    }

    /// Heat of a cell 0…1 against the busiest one, on a square-root scale so a few hot spots do not wash out the rest.
    package static func intensity(_ count: Int, max: Int) -> Double {
        guard max > 0, count > 0 else { return 0 }
        return (Double(count) / Double(max)).squareRoot()
    }
}
