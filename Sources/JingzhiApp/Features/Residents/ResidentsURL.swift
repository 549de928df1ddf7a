import Foundation
import JingzhiCore

extension SiteURL {
    /// Residents and households.
    enum Residents {
        case list(query: [(String, String)])
        case resident(UUID)
        case new(household: UUID?)
        case edit(UUID)
        case delete(UUID)
        case household(UUID)
        case newHousehold(node: UUID?)
        case householdVisits(UUID)
        case importForm
        case export(query: [(String, String)])

        var path: String {
            switch self {
            case .list(let q): "/residents" + SiteURL.query(q)
            case .resident(let id): "/residents/\(id)"
            case .new(let household): "/residents/new" + SiteURL.query(household.map { [("household", $0.uuidString)] } ?? [])
            case .edit(let id): "/residents/\(id)/edit"
            case .delete(let id): "/residents/\(id)/delete"
            case .household(let id): "/households/\(id)"
            case .newHousehold(let node): "/households/new" + SiteURL.query(node.map { [("node", $0.uuidString)] } ?? [])
            case .householdVisits(let id): "/households/\(id)/visits"
            case .importForm: "/residents/import"
            case .export(let q): "/residents/export.csv" + SiteURL.query(q)
            }
        }
    }
}
