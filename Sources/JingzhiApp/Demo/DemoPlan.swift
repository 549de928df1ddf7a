import Foundation
import JingzhiCore

/// Where a demo data set lives: the root node, its map area, and local flavour (ID area codes,
/// phone area code, road names, place-name stems).
struct DemoRegion: Sendable {
    let rootName: String
    let rootCode: String
    let rootParty: String
    let area: DemoRect
    /// ID area codes of people from elsewhere (流动人口); disjoint from every region's local codes.
    let migrantAreas: [String]
    /// Landline prefix; five random digits complete it (0537-62xxxxx).
    let landlinePrefix: String
    let landlineDigits: Int
    let roads: [String]
    let placeStems: [String]
    let seed: UInt64
}

struct StreetPlan: Sendable {
    let name: String
    let code: String
    /// ID area code (行政区划代码) of the district the street belongs to.
    let idArea: String
    var communities: [CommunityPlan]
}

struct CommunityPlan: Sendable {
    let name: String
    let code: String
    let grids: Int
    /// Compounds in the whole community, spread over its grids (at least one per grid).
    let compounds: Int
    /// Names and classes of the first compounds (the rest are generated).
    var knownCompounds: [(String, CompoundClass)] = []
}

/// The shape of one demo scale.
struct DemoPlan: Sendable {
    let scale: DemoScale
    let region: DemoRegion
    let streets: [StreetPlan]
    /// The demo's "today" (a day number, Asia/Shanghai): the history ends on it and every other date counts back from it.
    var asOf = DemoPlan.referenceDay

    /// The as-of day of benchmarks and of tests that do not name one.
    static let referenceDay = DemoDate.days(2026, 11, 20)

    /// The instant the demo's history stops: 18:00 on the as-of day.
    var now: Date { DemoDate.instant(asOf, hour: 18) }
    /// The register is dated as entered 319 days earlier (2026-01-05 for the reference day); ages count from then.
    var createdDay: Int { asOf - 319 }
    var createdAt: Date { DemoDate.instant(createdDay, hour: 9) }
    /// Visits fall in the 355 days up to the as-of day.
    var visitDays: ClosedRange<Int> { (asOf - 354)...asOf }

    var tiny: Bool { scale == .tiny }
    var withVisits: Bool { scale != .city }

    static let yutai = DemoRegion(
        rootName: "鱼台县", rootCode: "YT", rootParty: "中共鱼台县委",
        area: DemoRect(west: 116.630, south: 34.980, east: 116.700, north: 35.030),
        migrantAreas: ["370811", "370826", "370828", "370881", "320321", "320322", "411421", "341322", "371721", "371722"],
        landlinePrefix: "0537-62", landlineDigits: 5,
        roads: ["滨湖路", "鱼新路", "湖陵路", "谷亭路", "政通路", "人和路", "东环路", "西环路", "北环路", "南环路",
                "工业路", "建设路", "文化路", "鱼台路", "振兴路", "府前路", "湖畔路", "棠邑路", "凤凰路", "孝贤路"],
        placeStems: ["鱼台", "谷亭", "鱼城", "王鲁", "滨湖", "孝贤", "湖陵", "棠邑", "鱼米乡", "微湖"],
        seed: 0x5954_2026_0105)

    static let baoji = DemoRegion(
        rootName: "宝鸡市", rootCode: "BJ", rootParty: "中共宝鸡市委",
        area: DemoRect(west: 107.050, south: 34.330, east: 107.350, north: 34.400),
        migrantAreas: ["610323", "610324", "610326", "610328", "620502", "620802", "610481", "610102", "510107", "411202"],
        landlinePrefix: "0917-3", landlineDigits: 6,
        roads: ["经二路", "中山东路", "宝光路", "渭滨大道", "高新大道", "西宝路", "清姜路", "姜谭路", "金陵路", "红旗路",
                "东风路", "群众路", "公园路", "陈仓大道", "宝平路", "火炬路", "汉中路", "新建路", "迎宾大道", "学苑路"],
        placeStems: ["宝鸡", "渭河", "秦岭", "陈仓", "金台", "渭滨", "炎帝", "姜城", "石鼓", "凤鸣", "西岐", "青铜"],
        seed: 0x424A_2026_0105)

    static func make(_ scale: DemoScale, asOf: Int = referenceDay) -> DemoPlan {
        var plan = layout(scale)
        plan.asOf = asOf
        return plan
    }

    private static func layout(_ scale: DemoScale) -> DemoPlan {
        switch scale {
        case .tiny:
            let streets = [
                StreetPlan(name: "谷亭街道", code: "YT-GT", idArea: "370827", communities: [
                    CommunityPlan(name: "古亭社区", code: "YT-GT-01", grids: 2, compounds: 4,
                                  knownCompounds: [("幸福家园", .commercial), ("鱼城小区", .old), ("王鲁新村", .resettled)]),
                    CommunityPlan(name: "鱼城社区", code: "YT-GT-02", grids: 2, compounds: 4),
                ]),
                StreetPlan(name: "滨湖街道", code: "YT-BH", idArea: "370827", communities: [
                    CommunityPlan(name: "站前社区", code: "YT-BH-01", grids: 2, compounds: 4,
                                  knownCompounds: [("滨湖花园", .commercial), ("湖畔嘉园", .commercial)]),
                    CommunityPlan(name: "湖滨社区", code: "YT-BH-02", grids: 2, compounds: 4),
                ]),
            ]
            return DemoPlan(scale: scale, region: yutai, streets: streets)
        case .county:
            // 10 communities, 166 compounds, about 102 grids of 300–500 households (≈ 41,000 households).
            func street(_ name: String, _ code: String, _ names: [String], grids: [Int], compounds: [Int]) -> StreetPlan {
                StreetPlan(name: name, code: code, idArea: "370827", communities: names.indices.map { i in
                    CommunityPlan(name: names[i], code: "\(code)-\(DemoDate.pad(i + 1, 2))", grids: grids[i], compounds: compounds[i])
                })
            }
            var gt = street("谷亭街道", "YT-GT", ["古亭社区", "鱼城社区", "湖陵社区", "文华社区", "东园社区"],
                            grids: [11, 10, 10, 10, 10], compounds: [18, 17, 16, 17, 15])
            gt.communities[0].knownCompounds = [("幸福家园", .commercial), ("滨湖花园", .commercial), ("鱼城小区", .old),
                                                ("王鲁新村", .resettled), ("湖畔嘉园", .commercial)]
            var bh = street("滨湖街道", "YT-BH", ["站前社区", "湖滨社区", "凤凰社区", "新城社区", "康乐社区"],
                            grids: [10, 11, 10, 10, 10], compounds: [17, 16, 18, 15, 17])
            bh.communities[0].knownCompounds = [("站前小区", .old), ("铁路家属院", .old), ("湖滨御府", .commercial)]
            return DemoPlan(scale: scale, region: yutai, streets: [gt, bh])
        case .city:
            // Baoji: 12 streets, 191 communities, grids of ~400 households, ≈ 1.9 million residents.
            let streets: [(String, String, String)] = [
                ("中山东路街道", "ZSD", "610303"), ("中山西路街道", "ZSX", "610303"), ("东风路街道", "DFL", "610303"),
                ("群众路街道", "QZL", "610303"), ("西关街道", "XG", "610303"), ("卧龙寺街道", "WLS", "610303"),
                ("经二路街道", "JEL", "610302"), ("清姜街道", "QJ", "610302"), ("姜谭街道", "JT", "610302"),
                ("桥南街道", "QN", "610302"), ("金陵街道", "JL", "610302"), ("虢镇街道", "GZ", "610304"),
            ]
            var rng = DemoRandom(seed: baoji.seed ^ 0xC0FF_EE00)
            var names = NameBook()
            let plans = streets.enumerated().map { s, street in
                let count = s == streets.count - 1 ? 15 : 16
                let code = "BJ-" + street.1
                return StreetPlan(name: street.0, code: code, idArea: street.2, communities: (0..<count).map { c in
                    let grids = rng.int(in: 8...9) + (rng.chance(0.2) ? 1 : 0)
                    let name = names.fresh(&rng) { NameBook.community(&$0) }
                    return CommunityPlan(name: name, code: "\(code)-\(DemoDate.pad(c + 1, 2))", grids: grids,
                                         compounds: grids + (grids * 2 + rng.int(4)) / 3)
                })
            }
            return DemoPlan(scale: scale, region: baoji, streets: plans)
        }
    }
}

/// One building to generate: its storeys, stairwells (0 = households hang on the building itself)
/// and doors per landing.
struct BuildingPlan {
    let floors: Int
    let units: Int
    let doors: Int

    var households: Int { floors * doors * max(units, 1) }
}

extension DemoPlan {
    /// Buildings for a compound of class `cls` meant to hold about `target` households (6–30 buildings).
    static func buildings(for cls: CompoundClass, target: Int, tiny: Bool, _ rng: inout DemoRandom) -> [BuildingPlan] {
        if tiny {
            return [BuildingPlan(floors: 2, units: rng.int(in: 1...2), doors: 2),
                    BuildingPlan(floors: 2, units: rng.int(in: 0...1), doors: 2)]
        }
        let floors: Int
        var units: Int, doors = 2
        switch cls {
        case .old:
            floors = [4, 5, 5, 6, 6, 6, 7][rng.int(7)]
            units = [1, 2, 2, 3, 3][rng.int(5)]
            if rng.chance(0.15) { units = 0; doors = 4 } // walk-ups without numbered stairwells
        case .resettled:
            floors = [6, 6, 11, 15, 18][rng.int(5)]
            units = rng.int(in: 2...3)
        case .commercial:
            floors = [6, 7, 11, 11, 15, 17, 18][rng.int(7)]
            units = rng.int(in: 1...3)
        }
        // Small compounds get fewer stairwells, so six buildings of four storeys do not overshoot.
        while units > 1 && 6 * 4 * doors * units > target { units -= 1 }
        // Storeys needed in all, spread over 6–30 buildings of about the typical height (±1 storey).
        let perFloor = doors * max(units, 1)
        let totalFloors = max(24, Int((Double(target) / Double(perFloor)).rounded()))
        let count = min(30, max(6, Int((Double(totalFloors) / Double(floors)).rounded())))
        return (0..<count).map { i in
            let storeys = totalFloors / count + (i < totalFloors % count ? 1 : 0)
            return BuildingPlan(floors: min(18, max(4, storeys)), units: units, doors: doors)
        }
    }
}
