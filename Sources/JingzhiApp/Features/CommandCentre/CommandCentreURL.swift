import Foundation
import JingzhiCore

extension SiteURL {
    /// The command centre's desk, wall screen and track replay, and their assets.
    enum CommandCentre {
        case desk(query: [(String, String)])
        case wall(query: [(String, String)])
        case live(query: [(String, String)])
        case supervise
        case replay(patrol: UUID)
        case stylesheet
        case script

        enum Pattern {
            static let desk = RoutePattern("/command")
            static let wall = RoutePattern("/command/wall")
            static let live = RoutePattern("/command/live")
            static let supervise = RoutePattern("/command/supervise", .POST)
            static let replay = RoutePattern("/command/patrols/:id")
            static let stylesheet = RoutePattern("/static/command.css")
            static let script = RoutePattern("/static/command.js")
            static let all = [desk, wall, live, supervise, replay, stylesheet, script]
        }

        var path: String {
            switch self {
            case .desk(let q): Pattern.desk.path() + SiteURL.query(q)
            case .wall(let q): Pattern.wall.path() + SiteURL.query(q)
            case .live(let q): Pattern.live.path() + SiteURL.query(q)
            case .supervise: Pattern.supervise.path()
            case .replay(let patrol): Pattern.replay.path(patrol)
            case .stylesheet: Pattern.stylesheet.path()
            case .script: Pattern.script.path()
            }
        }
    }
}
