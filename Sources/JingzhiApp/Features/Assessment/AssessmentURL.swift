import Foundation
import JingzhiCore

extension SiteURL {
    /// Assessment (考核评价): systems and their editor, rounds, a unit's result and review, rankings, the 擂台赛, a unit's history.
    enum Assessment {
        case index
        case system(UUID)
        case rounds
        case round(UUID)
        case roundAct(UUID, action: String)
        case result(UUID)
        case resultAct(UUID, action: String)
        case evidence(UUID, file: UUID)
        case removeEvidence(UUID, file: UUID)
        case ranking(UUID, query: [(String, String)] = [])
        case print(UUID)
        case export(UUID, format: String)
        case arena(UUID, query: [(String, String)] = [])
        case unit(UUID, query: [(String, String)] = [])

        enum Pattern {
            static let index = RoutePattern("/assessment")
            static let system = RoutePattern("/assessment/systems/:id", .GET, .POST)
            static let rounds = RoutePattern("/assessment/rounds", .POST)
            static let round = RoutePattern("/assessment/rounds/:id")
            static let roundAct = RoutePattern("/assessment/rounds/:id/act/:action", .POST)
            static let result = RoutePattern("/assessment/results/:id")
            static let resultAct = RoutePattern("/assessment/results/:id/act/:action", .POST)
            static let evidence = RoutePattern("/assessment/results/:id/evidence/:file")
            static let removeEvidence = RoutePattern("/assessment/results/:id/evidence/:file/remove", .POST)
            static let ranking = RoutePattern("/assessment/rounds/:id/ranking")
            static let print = RoutePattern("/assessment/rounds/:id/print")
            static let export = RoutePattern("/assessment/rounds/:id/export/:format")
            static let arena = RoutePattern("/assessment/rounds/:id/arena")
            static let unit = RoutePattern("/assessment/units/:id")
            static let all = [index, system, rounds, round, roundAct, result, resultAct, evidence, removeEvidence, ranking, print, export, arena, unit]
        }

        var path: String {
            switch self {
            case .index: Pattern.index.path()
            case .system(let id): Pattern.system.path(id)
            case .rounds: Pattern.rounds.path()
            case .round(let id): Pattern.round.path(id)
            case .roundAct(let id, let a): Pattern.roundAct.path(id, a)
            case .result(let id): Pattern.result.path(id)
            case .resultAct(let id, let a): Pattern.resultAct.path(id, a)
            case .evidence(let id, let f): Pattern.evidence.path(id, f)
            case .removeEvidence(let id, let f): Pattern.removeEvidence.path(id, f)
            case .ranking(let id, let q): Pattern.ranking.path(id) + SiteURL.query(q)
            case .print(let id): Pattern.print.path(id)
            case .export(let id, let f): Pattern.export.path(id, f)
            case .arena(let id, let q): Pattern.arena.path(id) + SiteURL.query(q)
            case .unit(let id, let q): Pattern.unit.path(id) + SiteURL.query(q)
            }
        }
    }
}
