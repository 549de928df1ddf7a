import JingzhiCore
/// The layers of the org and grid tree (组织与网格), from county down to a stairwell unit.
public enum NodeKind: String, Codable, CaseIterable, Sendable {
    case county, street, community, grid
    case microGrid = "micro_grid"
    case compound, building, unit

    /// Kinds a node of this kind may hang under.
    var allowedParents: Set<NodeKind> {
        switch self {
        case .county: []
        case .street: [.county]
        case .community: [.street]
        case .grid: [.community]
        case .microGrid: [.grid]
        case .compound: [.community, .grid, .microGrid]
        case .building: [.compound, .grid, .microGrid]
        case .unit: [.building]
        }
    }

    var zh: String {
        switch self {
        case .county: "县(市)"
        case .street: "街道"
        case .community: "社区"
        case .grid: "网格"
        case .microGrid: "微网格"
        case .compound: "小区"
        case .building: "楼栋"
        case .unit: "单元"
        }
    }

    var en: String {
        switch self {
        case .county: "County"
        case .street: "Street"
        case .community: "Community"
        case .grid: "Grid"
        case .microGrid: "Micro-grid"
        case .compound: "Compound"
        case .building: "Building"
        case .unit: "Unit"
        }
    }

    func label(_ lang: Lang) -> String { lang.t(zh, en) }

    /// Households live in buildings or their units.
    var holdsHouseholds: Bool { self == .building || self == .unit }
}
