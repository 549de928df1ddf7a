import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// The county's boundaries are a tessellation, not rows of rectangles: irregular, nested and apart.
@Suite struct DemoBoundaryTests {
    @Test func countyBoundariesAreIrregularNestedAndApart() throws {
        let plan = DemoPlan.make(.county)
        var builder = DemoBuilder(plan: plan)
        let root = builder.root(ordinal: 0)
        var nodes = [root]
        for s in plan.streets.indices {
            let street = builder.street(s, under: root)
            nodes.append(street)
            for c in plan.streets[s].communities.indices { nodes += builder.community(street: s, index: c, under: street).nodes }
        }
        let k = builder.rootShape.k
        func polygon(_ row: NodeRow) throws -> ConvexPolygon {
            let ring = try Boundary.parse(text: try #require(row.boundary)).rings[0].dropLast()
            return ConvexPolygon(ring.map { PlanePoint(x: $0[0] * k, y: $0[1]) })
        }
        let shaped = nodes.filter { [.county, .street, .community, .grid].contains($0.kind) }
        let byID = Dictionary(uniqueKeysWithValues: shaped.map { ($0.id, $0) })
        let polygons = Dictionary(uniqueKeysWithValues: try shaped.map { ($0.id, try polygon($0)) })
        #expect(shaped.filter { $0.kind == .grid }.count == 102)
        var corners: Set<Int> = []
        for node in shaped {
            let shape = try #require(polygons[node.id])
            #expect(shape.area > 0 && abs(ConvexPolygon.hull(shape.points).area - shape.area) < shape.area * 1e-9, "\(node.code) is convex and counter-clockwise")
            corners.insert(shape.points.count)
            guard let parentID = node.parentID, let parent = polygons[parentID] else { continue }
            #expect(shape.points.allSatisfy { parent.contains($0, tolerance: 1e-9) }, "\(node.code) lies inside \(byID[parentID]!.code)")
            for other in shaped where other.parentID == parentID && other.id != node.id {
                #expect(shape.intersection(polygons[other.id]!).area < 1e-12, "\(node.code) and \(other.code) overlap")
            }
        }
        // Irregular: not all four-cornered, and grids of one community differ in size.
        #expect(corners.count >= 3)
        let grids = shaped.filter { $0.kind == .grid && $0.code.hasPrefix("YT-GT-01-") }.map { polygons[$0.id]!.area }
        #expect(grids.max()! > grids.min()! * 1.2)
        // The same plan draws the same lines.
        var again = DemoBuilder(plan: plan)
        #expect(again.root(ordinal: 0).boundary == root.boundary && again.streetShapes.map(\.geoJSON) == builder.streetShapes.map(\.geoJSON))
    }
}
