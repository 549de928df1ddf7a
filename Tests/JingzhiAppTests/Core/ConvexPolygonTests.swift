import Foundation
import JingzhiCore
import Testing

/// Convex clipping and the Voronoi tessellation the demo draws its boundaries with.
@Suite struct ConvexPolygonTests {
    static func p(_ x: Double, _ y: Double) -> PlanePoint { PlanePoint(x: x, y: y) }
    static let square = ConvexPolygon([p(0, 0), p(4, 0), p(4, 4), p(0, 4)])

    @Test func areaCentroidAndContainment() {
        #expect(Self.square.area == 16)
        #expect(Self.square.centroid == Self.p(2, 2))
        #expect(Self.square.contains(Self.p(4, 2)) && Self.square.contains(Self.p(1, 3)) && !Self.square.contains(Self.p(4.1, 2)))
        let triangle = ConvexPolygon([Self.p(0, 0), Self.p(3, 0), Self.p(0, 3)])
        #expect(abs(triangle.centroid.x - 1) < 1e-12 && abs(triangle.centroid.y - 1) < 1e-12)
    }

    @Test func hullDropsInnerPointsAndTurnsCounterClockwise() {
        let hull = ConvexPolygon.hull([Self.p(2, 2), Self.p(0, 4), Self.p(4, 4), Self.p(1, 1), Self.p(4, 0), Self.p(0, 0)])
        #expect(hull.points.count == 4 && hull.area == 16)
        #expect(ConvexPolygon.hull([Self.p(0, 0), Self.p(1, 1)]).isEmpty)
    }

    @Test func cuttingAndIntersecting() {
        let left = Self.square.cut(nearer: Self.p(1, 2), than: Self.p(3, 2))
        #expect(left.area == 8 && left.contains(Self.p(0.5, 3)) && !left.contains(Self.p(2.5, 3)))
        let shifted = ConvexPolygon([Self.p(2, 2), Self.p(6, 2), Self.p(6, 6), Self.p(2, 6)])
        #expect(Self.square.intersection(shifted).area == 4)
        let apart = ConvexPolygon([Self.p(5, 5), Self.p(6, 5), Self.p(6, 6)])
        #expect(Self.square.intersection(apart).isEmpty)
        let small = Self.square.scaled(0.5, about: Self.square.centroid)
        #expect(small.area == 4 && small.points.allSatisfy { Self.square.contains($0) })
    }

    @Test func voronoiCellsTileTheParentWithoutOverlap() {
        let sites = [Self.p(0.5, 0.7), Self.p(3.1, 0.4), Self.p(2.2, 2.9), Self.p(0.8, 3.6), Self.p(3.7, 3.3), Self.p(1.9, 1.4)]
        for sites in [sites, Self.square.relaxed(sites, rounds: 3)] {
            let cells = Self.square.voronoi(sites)
            #expect(cells.count == sites.count)
            #expect(abs(cells.map(\.area).reduce(0, +) - 16) < 1e-9, "the cells cover the parent")
            for (i, cell) in cells.enumerated() {
                #expect(cell.area > 0 && cell.contains(sites[i]))
                #expect(cell.points.allSatisfy { Self.square.contains($0, tolerance: 1e-9) })
                for other in cells[(i + 1)...] { #expect(cell.intersection(other).area < 1e-9) }
            }
        }
    }
}
