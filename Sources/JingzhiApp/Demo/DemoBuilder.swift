import Foundation
import JingzhiCore

/// Generates the demo tree and register, one community at a time, from a single seeded generator:
/// the same plan always yields the same rows, in the same order.
struct DemoBuilder {
    let plan: DemoPlan
    var rng: DemoRandom
    var idNumbers = IDNumberMaker()
    var phones: PhoneMaker
    var compoundNames = NameBook()
    var landmarks = DemoLandmarks()
    /// The county's outline, and each street's and community's (grids are drawn as their community is built).
    let rootShape: DemoShape
    let streetShapes: [DemoShape]
    let communityShapes: [[DemoShape]]

    init(plan: DemoPlan) {
        self.plan = plan
        let seed = plan.region.seed ^ DemoRandom.mix(UInt64(DemoScale.allCases.firstIndex(of: plan.scale)! + 1))
        rng = DemoRandom(seed: seed)
        phones = PhoneMaker(seed: seed)
        var shapes = DemoBuilder.shapeRandom(plan, 0)
        let area = plan.region.area
        let k = GeoBox(west: area.west, south: area.south, east: area.east, north: area.north).groundFactor
        rootShape = plan.tiny ? DemoShape(rect: area, k: k) : DemoShape.outline(in: area, &shapes)
        streetShapes = rootShape.children(plan.streets.count, margin: 0.01, &shapes)
        communityShapes = zip(plan.streets, streetShapes).map { street, shape in shape.children(street.communities.count, &shapes) }
        for street in plan.streets {
            for community in street.communities { community.knownCompounds.forEach { compoundNames.reserve($0.0) } }
        }
    }

    /// The boundaries' own random stream (one per community), so drawing them leaves every other figure as it was.
    static func shapeRandom(_ plan: DemoPlan, _ index: Int) -> DemoRandom {
        DemoRandom(seed: plan.region.seed ^ 0x5348_4150_4553 ^ DemoRandom.mix(UInt64(index + 1)))
    }

    // MARK: Upper levels

    mutating func root(ordinal: Int) -> NodeRow {
        let segment = PathSegment.make(ordinal)
        var node = NodeRow(id: rng.uuid(), parentID: nil, kind: .county, code: plan.region.rootCode,
                           name: plan.region.rootName, path: segment, segment: segment, depth: 0)
        node.partyOrgName = plan.region.rootParty
        node.boundary = rootShape.geoJSON
        return node
    }

    mutating func street(_ s: Int, under root: NodeRow) -> NodeRow {
        let street = plan.streets[s]
        var node = NodeRow.child(of: root, ordinal: s, id: rng.uuid(), kind: .street, code: street.code, name: street.name)
        node.boundary = streetShapes[s].geoJSON
        node.address = street.name + rng.pick(plan.region.roads) + "\(rng.int(in: 1...200))号"
        node.partyOrgName = street.name + "党工委"
        node.partySecretary = DemoNames.adultName(&rng)
        node.partyContact = landline()
        return node
    }

    mutating func landline() -> String {
        var digits = ""
        for _ in 0..<plan.region.landlineDigits { digits += String(rng.int(10)) }
        return plan.region.landlinePrefix + digits
    }

    // MARK: A community and everything under it

    mutating func community(street s: Int, index c: Int, under streetNode: NodeRow) -> DemoBatch {
        let streetPlan = plan.streets[s], cp = streetPlan.communities[c]
        if plan.scale == .city && c == 0 { compoundNames.reset() } // a city only keeps names unique per street
        var batch = DemoBatch()
        let shape = communityShapes[s][c]
        var community = NodeRow.child(of: streetNode, ordinal: c, id: rng.uuid(), kind: .community, code: cp.code, name: cp.name)
        community.boundary = shape.geoJSON
        community.address = streetPlan.name + rng.pick(plan.region.roads) + "\(rng.int(in: 1...300))号"
        community.partyOrgName = cp.name + "党委"
        community.partySecretary = DemoNames.adultName(&rng)
        community.partyContact = landline()
        batch.nodes.append(community)

        // Spread the compounds over the grids: one each, the rest at random, at most three per grid.
        var perGrid = Array(repeating: 1, count: cp.grids)
        for _ in 0..<max(0, min(cp.compounds, cp.grids * 3) - cp.grids) {
            var g = rng.int(cp.grids)
            while perGrid[g] >= 3 { g = (g + 1) % cp.grids }
            perGrid[g] += 1
        }
        var shapes = DemoBuilder.shapeRandom(plan, 1 + s * 1000 + c)
        let gridShapes = shape.children(cp.grids, &shapes)
        var known = cp.knownCompounds[...]
        var forced = plan.tiny ? ForcedHousehold.tinySet[...] : []
        for g in 0..<cp.grids {
            var grid = NodeRow.child(of: community, ordinal: g, id: rng.uuid(), kind: .grid,
                                     code: "\(cp.code)-G\(DemoDate.pad(g + 1, 2))", name: DemoNames.gridName(g + 1))
            grid.boundary = gridShapes[g].geoJSON
            if rng.chance(0.7) {
                grid.partyOrgName = cp.name + grid.name + "党支部"
                grid.partySecretary = DemoNames.adultName(&rng)
            }
            batch.nodes.append(grid)
            let workers = gridWorkers(grid)
            batch.workers += workers
            landmarks.firstWorkers[grid.code] = workers.first.map {
                DemoLandmarks.Worker(id: $0.id, name: $0.name, phone: $0.phone, gridPath: grid.path)
            }
            let target = rng.int(in: 340...499)
            let shares = (0..<perGrid[g]).map { _ in 0.6 + rng.unit() * 0.8 }
            let shareTotal = shares.reduce(0, +)
            let householdsBefore = batch.households.count
            for k in 0..<perGrid[g] {
                let (name, cls) = known.popFirst() ?? {
                    let cls = [CompoundClass.commercial, .old, .resettled][rng.weighted([45, 35, 20])]
                    return (compoundNames.fresh(&rng) { NameBook.compound(cls, regionStems: plan.region.placeStems, &$0) }, cls)
                }()
                var compound = NodeRow.child(of: grid, ordinal: k, id: rng.uuid(), kind: .compound,
                                             code: "\(grid.code)-C\(DemoDate.pad(k + 1, 2))", name: name)
                compound.address = streetPlan.name + rng.pick(plan.region.roads) + "\(rng.int(in: 1...399))号（\(cls.rawValue)）"
                if rng.chance(0.85) {
                    compound.partyOrgName = DemoNames.compoundPartyOrg(name)
                    compound.partySecretary = DemoNames.adultName(&rng)
                    compound.partyContact = phones.mobile(&rng)
                }
                batch.nodes.append(compound)
                if landmarks.firstCompounds[cp.code] == nil { landmarks.firstCompounds[cp.code] = compound.code }
                let compoundTarget = Int(Double(target) * shares[k] / shareTotal)
                let buildings = DemoPlan.buildings(for: cls, target: compoundTarget, tiny: plan.tiny, &rng)
                for (b, bp) in buildings.enumerated() {
                    var building = NodeRow.child(of: compound, ordinal: b, id: rng.uuid(), kind: .building,
                                                 code: "\(compound.code)-B\(DemoDate.pad(b + 1, 2))", name: "\(b + 1)号楼")
                    if rng.chance(0.4) {
                        building.partyOrgName = "\(b + 1)号楼党小组"
                        building.partySecretary = DemoNames.adultName(&rng)
                    }
                    batch.nodes.append(building)
                    if bp.units == 0 {
                        households(in: building, names: [name, building.name], plan: bp, idArea: streetPlan.idArea,
                                   workers: workers, forced: &forced, into: &batch)
                    }
                    for u in 0..<bp.units {
                        let unit = NodeRow.child(of: building, ordinal: u, id: rng.uuid(), kind: .unit,
                                                 code: "\(building.code)-U\(u + 1)", name: "\(u + 1)单元")
                        batch.nodes.append(unit)
                        households(in: unit, names: [name, building.name, unit.name], plan: bp, idArea: streetPlan.idArea,
                                   workers: workers, forced: &forced, into: &batch)
                    }
                }
            }
            if s == 0 && c == 0 && g == 0 { noteDemoResident(batch, fromHousehold: householdsBefore) }
        }
        if plan.tiny { guaranteeEveryTag(&batch.residents) }
        for r in batch.residents {
            for tag in r.tags { batch.tags.append(TagRow(id: rng.uuid(), residentID: r.id, tag: tag, nodePath: r.nodePath)) }
        }
        return batch
    }

    /// One 网格长 and one or two 专职/兼职 grid workers.
    private mutating func gridWorkers(_ grid: NodeRow) -> [WorkerRow] {
        let duties = ["网格长", "专职网格员", "兼职网格员"].prefix(1 + rng.int(in: 1...2))
        return duties.map { duty in
            WorkerRow(id: rng.uuid(), gridID: grid.id, nodePath: grid.path, name: DemoNames.adultName(&rng),
                      phone: phones.mobile(&rng), duty: duty)
        }
    }

    /// Rooms `floor*100 + door` of one stairwell (or of a building without stairwells), with their people.
    private mutating func households(in node: NodeRow, names: [String], plan bp: BuildingPlan, idArea: String,
                                     workers: [WorkerRow], forced: inout ArraySlice<ForcedHousehold>, into batch: inout DemoBatch) {
        for floor in 1...bp.floors {
            for door in 1...bp.doors {
                let room = String(floor * 100 + door)
                let force = forced.popFirst()
                let occupancy = force?.occupancy ?? ["自住", "出租", "空置"][rng.weighted([75, 15, 10])]
                let household = HouseholdRow(id: rng.uuid(), nodeID: node.id, nodePath: node.path, room: room,
                                             address: (names + [room]).joined(separator: " "), occupancy: occupancy)
                batch.households.append(household)
                let people = residents(of: household, idArea: idArea, forced: force)
                batch.residents += people
                if plan.withVisits { batch.visits += visits(to: household, people: people, workers: workers) }
            }
        }
    }

    /// Remembers a settled householder of 古亭社区 第一网格 with a phone, for the `resident_demo` account.
    private mutating func noteDemoResident(_ batch: DemoBatch, fromHousehold first: Int) {
        let households = batch.households[first...]
        let byID = Dictionary(uniqueKeysWithValues: households.map { ($0.id, $0) })
        let candidates = batch.residents.filter { byID[$0.householdID] != nil && $0.phone != nil }
        let pick = candidates.first {
            $0.relation == "户主" && (25...65).contains($0.age) && byID[$0.householdID]?.occupancy == "自住"
        } ?? candidates.first
        if let pick, let phone = pick.phone, let home = byID[pick.householdID] {
            landmarks.demoResident = DemoLandmarks.Person(id: pick.id, name: pick.name, phone: phone, address: home.address)
        }
    }
}
