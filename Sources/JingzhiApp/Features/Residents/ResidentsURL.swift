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
        case exportXLSX(query: [(String, String)])
        case retention
        case exportJobs
        case exportJob(UUID)
        case exportJobDownload(UUID)

        enum Pattern {
            static let list = RoutePattern("/residents")
            static let resident = RoutePattern("/residents/:id")
            static let new = RoutePattern("/residents/new", .GET, .POST)
            static let edit = RoutePattern("/residents/:id/edit", .GET, .POST)
            static let delete = RoutePattern("/residents/:id/delete", .GET, .POST)
            static let household = RoutePattern("/households/:id")
            static let newHousehold = RoutePattern("/households/new", .GET, .POST)
            static let householdVisits = RoutePattern("/households/:id/visits", .POST)
            static let importForm = RoutePattern("/residents/import", .GET, .POST)
            static let export = RoutePattern("/residents/export.csv")
            static let exportXLSX = RoutePattern("/residents/export.xlsx")
            static let retention = RoutePattern("/residents/retention", .GET, .POST)
            static let exportJobs = RoutePattern("/residents/export-jobs", .POST)
            static let exportJob = RoutePattern("/residents/export-jobs/:id")
            static let exportJobDownload = RoutePattern("/residents/export-jobs/:id/download")
            static let all = [list, resident, new, edit, delete, household, newHousehold, householdVisits, importForm, export, exportXLSX, retention,
                                   exportJobs, exportJob, exportJobDownload]
        }

        var path: String {
            switch self {
            case .list(let q): Pattern.list.path() + SiteURL.query(q)
            case .resident(let id): Pattern.resident.path(id)
            case .new(let household): Pattern.new.path() + SiteURL.query([("household", household?.uuidString ?? "")])
            case .edit(let id): Pattern.edit.path(id)
            case .delete(let id): Pattern.delete.path(id)
            case .household(let id): Pattern.household.path(id)
            case .newHousehold(let node): Pattern.newHousehold.path() + SiteURL.query([("node", node?.uuidString ?? "")])
            case .householdVisits(let id): Pattern.householdVisits.path(id)
            case .importForm: Pattern.importForm.path()
            case .export(let q): Pattern.export.path() + SiteURL.query(q)
            case .exportXLSX(let q): Pattern.exportXLSX.path() + SiteURL.query(q)
            case .retention: Pattern.retention.path()
            case .exportJobs: Pattern.exportJobs.path()
            case .exportJob(let id): Pattern.exportJob.path(id)
            case .exportJobDownload(let id): Pattern.exportJobDownload.path(id)
            }
        }
    }
}
