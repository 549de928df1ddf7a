import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The map's figures: cases per 1,000 households by grid (the choropleth) and the heat layer of located cases.
extension CommandCentreService {
    /// Columns of the heat layer across the map.
    static let heatColumns = 60

    /// A grid of the subtree with what the map needs to draw it.
    struct MapGrid: Sendable {
        let node: OrgNode
        let boundary: Boundary?
        let community: String?
    }

    /// The grids under the node (the node itself when it is a grid), in tree order, with their parsed boundaries.
    func grids(under node: OrgNode?) async throws -> [MapGrid] {
        let grids: [OrgNode]
        if let node, node.kind == .grid {
            grids = [node]
        } else {
            grids = try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.grid.rawValue).within(DataScope(rootPath: Self.path(node)))
                .sort(\.$path).all()
        }
        let parentIDs = Set(grids.compactMap(\.parentID))
        let parents = parentIDs.isEmpty ? [:] : Dictionary(try await OrgNode.query(on: db).filter(\.$id ~~ parentIDs).all().map { ($0.id!, $0.name) }) { a, _ in a }
        return grids.map { g in
            MapGrid(node: g, boundary: g.boundary.flatMap { try? Boundary.parse(text: $0) }, community: g.parentID.flatMap { parents[$0] })
        }
    }

    /// A street or community of the subtree (the node itself included) with a boundary, named on the map.
    struct MapOutline: Sendable {
        let name: String
        let boundary: Boundary
        let street: Bool
    }

    /// The streets and communities at or under the node, remembered like the grids.
    func cachedOutlines(under node: OrgNode?) async throws -> [MapOutline] {
        guard node?.kind != .grid else { return [] }
        let v = try await OrgTreeVersion.current(on: db)
        return try await cache.value("outlines:\(node?.id?.uuidString ?? ""):v\(v)", maxAge: CommandCentreCache.gridsMaxAge, now: now) {
            try await OrgNode.query(on: db).filter(\.$kindRaw ~~ [NodeKind.street, .community].map(\.rawValue))
                .within(DataScope(rootPath: Self.path(node))).sort(\.$path).all()
                .compactMap { n in n.boundary.flatMap { try? Boundary.parse(text: $0) }.map { MapOutline(name: n.name, boundary: $0, street: n.kind == .street) } }
        }
    }

    /// `grids(under:)` remembered (a city has 1,600 boundaries to read and parse, and they rarely change) until the
    /// tree changes (on any server) or for `gridsMaxAge`.
    func cachedGrids(under node: OrgNode?, treeVersion v: Int) async throws -> [MapGrid] {
        try await cache.value("grids:\(node?.id?.uuidString ?? ""):v\(v)", maxAge: CommandCentreCache.gridsMaxAge, now: now) {
            try await grids(under: node)
        }
    }

    func map(node: OrgNode?, period: CommandCentrePeriod, category: CaseCategory?) async throws -> (CommandCentreMap, [MapGrid]) {
        let path = Self.path(node)
        let v = try await OrgTreeVersion.current(on: db)
        let grids = try await cachedGrids(under: node, treeVersion: v)
        let (from, to) = period.days(now: now)
        let codes = try await category.asyncMap { try await CaseMeasuresService.codes(under: $0, on: db) }
        let households = try await householdsPerGrid(path: path, treeVersion: v)
        let box = GeoBox(boundaries: grids.compactMap(\.boundary) + (grids.isEmpty ? nodeBoundary(node) : []))
        // Days before today hardly move (a case keeps its creation day and place): they are remembered like past
        // months; today's cases are counted on every refresh.
        var counts = try await mapCounts(path: path, from: to, to: to, codes: codes, grids: grids, box: box)
        if from < to {
            let yesterday = ShanghaiTime.add(-1, to: to)
            let key = "map:\(path):\(from):\(yesterday):\(category?.code ?? ""):v\(v)"
            counts.add(try await cache.value(key, maxAge: CommandCentreCache.pastMonthsMaxAge, now: now) {
                try await mapCounts(path: path, from: from, to: yesterday, codes: codes, grids: grids, box: box)
            })
        }
        let figures = grids.map { g -> CommandCentreGrid in
            let h = households[g.node.path] ?? 0, c = counts.perGrid[g.node.path] ?? 0
            return CommandCentreGrid(id: g.node.id!, code: g.node.code, name: g.node.name, community: g.community, households: h, cases: c,
                                     casesPer1000Households: h == 0 ? nil : (Double(c) * 10000 / Double(h)).rounded() / 10,
                                     hasBoundary: g.boundary != nil)
        }
        var heat: CommandCentreHeat?
        if let box {
            let grid = HeatGrid(box: box, columns: Self.heatColumns)
            let cells = counts.heat.sorted { $0.key < $1.key }.map { CommandCentreHeatCell(column: $0.key.column, row: $0.key.row, count: $0.value) }
            heat = CommandCentreHeat(west: box.west, south: box.south, east: box.east, north: box.north, columns: grid.columns, rows: grid.rows,
                                     cellLon: grid.cellLon, cellLat: grid.cellLat, cells: cells, located: counts.heat.values.reduce(0, +),
                                     total: counts.total)
        }
        return (CommandCentreMap(period: period.rawValue, from: from, to: to, category: category?.code, grids: figures, heat: heat,
                                 devices: try await devicesPerGrid(path: path, grids: grids)), grids)
    }

    /// Each grid's devices, from the device feature's counts per node path (nil without that feature).
    func devicesPerGrid(path: String, grids: [MapGrid]) async throws -> [CommandCentreGridDevices]? {
        guard let provider = providers.devices else { return nil }
        let byPath = Dictionary(grids.map { ($0.node.path, $0.node.id!) }) { a, _ in a }
        var out: [UUID: CommandCentreGridDevices] = [:]
        for row in try await provider(db, path, now) {
            // A grid's path is a prefix of its compounds', buildings' and homes' paths.
            var p = row.path
            while !p.isEmpty, byPath[p] == nil { p = String(p.dropLast(PathSegment.width)) }
            guard let grid = byPath[p] else { continue }
            out[grid, default: .init(gridId: grid, devices: 0, offline: 0, alarmed: 0)].devices += row.devices
            out[grid]!.offline += row.offline
            out[grid]!.alarmed += row.alarmed
        }
        return grids.compactMap { out[$0.node.id!] }
    }

    /// The map's counts over some days: cases per grid path, all of them, and located ones per heat cell.
    struct MapCounts: Sendable {
        var perGrid: [String: Int] = [:]
        var total = 0
        var heat: [HeatGrid.Cell: Int] = [:]

        mutating func add(_ other: MapCounts) {
            perGrid.merge(other.perGrid, uniquingKeysWith: +)
            total += other.total
            heat.merge(other.heat, uniquingKeysWith: +)
        }
    }

    func mapCounts(path: String, from: String, to: String, codes: [String]?, grids: [MapGrid], box: GeoBox?) async throws -> MapCounts {
        var filter: SQLQueryString = "\(sql.scope(path, boundedInTime: true)) AND created_at >= \(bind: ShanghaiTime.dayStart(from)) AND created_at < \(bind: ShanghaiTime.dayStart(to).addingTimeInterval(86400))"
        if let codes { filter = filter + " AND category_code IN (\(binds: codes))" }
        var out = MapCounts()
        if grids.isEmpty {
            out.total = try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: Case.schema) WHERE \(filter)").first()?.decode(column: "n", as: Int.self) ?? 0
        } else {
            (out.perGrid, out.total) = try await countPerGrid(table: Case.schema, filter: filter, grids: grids.map(\.node))
        }
        if let box { out.heat = try await heatCells(filter: filter, box: box) }
        return out
    }

    private func nodeBoundary(_ node: OrgNode?) -> [Boundary] {
        node?.boundary.flatMap { try? Boundary.parse(text: $0) }.map { [$0] } ?? []
    }

    /// Households per grid path: they change slowly and a city has 700,000, so the counts are remembered for
    /// `householdsMaxAge` or until the tree changes (on any server). Each grid's households are one range of the path index,
    /// counted by a subquery per grid: a city in 70 ms, where grouping all households by path prefix takes 550 ms.
    func householdsPerGrid(path: String, treeVersion v: Int) async throws -> [String: Int] {
        try await cache.value("households:\(path):v\(v)", maxAge: CommandCentreCache.householdsMaxAge, now: now) {
            let query: SQLQueryString = """
                SELECT o.path AS g, (SELECT COUNT(*) FROM \(ident: Household.schema) h WHERE h.node_path >= o.path AND h.node_path < o.path || '~') AS n \
                FROM \(ident: OrgNode.schema) o WHERE o.kind = \(bind: NodeKind.grid.rawValue) AND \(DataScope(rootPath: path).sqlCondition(column: "path", boundedInTime: false, on: db))
                """
            var out: [String: Int] = [:]
            for row in try await db.sql.raw(query).all() {
                out[try row.decode(column: "g", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return out
        }
    }

    /// Rows of `table` per grid: grouped by the grid-length prefix of their path, once per distinct grid path length.
    /// Every row falls in exactly one group of the first pass, so the groups also add up to all rows (`total`).
    func countPerGrid(table: String, filter: SQLQueryString, grids: [OrgNode]) async throws -> (perGrid: [String: Int], total: Int) {
        let known = Set(grids.map(\.path))
        var out: [String: Int] = [:], total: Int?
        for length in Set(grids.map(\.path.count)).sorted() {
            let prefix = CommandCentreSQL.prefix(length)
            let rows = try await db.sql.raw("SELECT \(prefix) AS g, COUNT(*) AS n FROM \(ident: table) WHERE \(filter) GROUP BY \(prefix)").all()
            var sum = 0
            for row in rows {
                let g = try row.decode(column: "g", as: String.self), n = try row.decode(column: "n", as: Int.self)
                sum += n
                if known.contains(g) { out[g] = n }
            }
            total = total ?? sum
        }
        return (out, total ?? 0)
    }

    /// Located cases binned in the database into the heat grid over the box.
    func heatCells(filter: SQLQueryString, box: GeoBox) async throws -> [HeatGrid.Cell: Int] {
        let grid = HeatGrid(box: box, columns: Self.heatColumns)
        let inBox: SQLQueryString = """
            longitude >= \(bind: box.west) AND longitude <= \(bind: box.east) AND latitude >= \(bind: box.south) AND latitude <= \(bind: box.north)
            """
        let cx = sql.cellIndex("longitude", origin: box.west, size: grid.cellLon), cy = sql.cellIndex("latitude", origin: box.south, size: grid.cellLat)
        // Grouped by position: PostgreSQL would not match the repeated expressions, whose binds get new numbers.
        let rows = try await db.sql.raw("SELECT \(cx) AS cx, \(cy) AS cy, COUNT(*) AS n FROM \(ident: Case.schema) WHERE \(filter) AND \(inBox) GROUP BY 1, 2").all()
        var counts: [HeatGrid.Cell: Int] = [:]
        for row in rows {
            // The box's own east and north edges close the last column and row, as in `HeatGrid.cell`.
            let cell = HeatGrid.Cell(column: min(grid.columns - 1, try row.decode(column: "cx", as: Int.self)),
                                     row: min(grid.rows - 1, try row.decode(column: "cy", as: Int.self)))
            counts[cell, default: 0] += try row.decode(column: "n", as: Int.self)
        }
        return counts
    }
}
