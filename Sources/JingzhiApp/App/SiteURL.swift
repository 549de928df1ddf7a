import Foundation

/// Every page of the web UI, so links are built in one place and never typed as strings in views.
enum SiteURL {
    case home
    case login(next: String?)
    case logout
    case register
    case password
    case language(Lang, back: String)
    case org
    case orgNode(UUID)
    case orgNodeNew(parent: UUID)
    case orgNodeEdit(UUID)
    case orgNodeMove(UUID)
    case orgNodeBoundary(UUID)
    case orgNodeDelete(UUID)
    case gridWorkers(UUID)
    case gridSign(code: String)
    case gridBoundarySVG(code: String)
    case residents(query: [(String, String)])
    case resident(UUID)
    case residentNew(household: UUID?)
    case residentEdit(UUID)
    case residentDelete(UUID)
    case household(UUID)
    case householdNew(node: UUID?)
    case householdVisits(UUID)
    case residentsImport
    case residentsExport(query: [(String, String)])
    case users
    case userNew
    case linkRequests
    case linkRequest(UUID)
    case audit(query: [(String, String)])
    case stylesheet
    case script

    var path: String {
        switch self {
        case .home: "/"
        case .login(let next): "/login" + Self.query([("next", next ?? "")].filter { !$0.1.isEmpty })
        case .logout: "/logout"
        case .register: "/register"
        case .password: "/account/password"
        case .language(let lang, let back): "/lang/\(lang.rawValue)" + Self.query([("back", back)])
        case .org: "/org"
        case .orgNode(let id): "/org/\(id)"
        case .orgNodeNew(let parent): "/org/\(parent)/new"
        case .orgNodeEdit(let id): "/org/\(id)/edit"
        case .orgNodeMove(let id): "/org/\(id)/move"
        case .orgNodeBoundary(let id): "/org/\(id)/boundary"
        case .orgNodeDelete(let id): "/org/\(id)/delete"
        case .gridWorkers(let id): "/org/\(id)/workers"
        case .gridSign(let code): "/sign/\(Self.escape(code))"
        case .gridBoundarySVG(let code): "/sign/\(Self.escape(code))/boundary.svg"
        case .residents(let q): "/residents" + Self.query(q)
        case .resident(let id): "/residents/\(id)"
        case .residentNew(let household): "/residents/new" + Self.query(household.map { [("household", $0.uuidString)] } ?? [])
        case .residentEdit(let id): "/residents/\(id)/edit"
        case .residentDelete(let id): "/residents/\(id)/delete"
        case .household(let id): "/households/\(id)"
        case .householdNew(let node): "/households/new" + Self.query(node.map { [("node", $0.uuidString)] } ?? [])
        case .householdVisits(let id): "/households/\(id)/visits"
        case .residentsImport: "/residents/import"
        case .residentsExport(let q): "/residents/export.csv" + Self.query(q)
        case .users: "/users"
        case .userNew: "/users/new"
        case .linkRequests: "/link-requests"
        case .linkRequest(let id): "/link-requests/\(id)"
        case .audit(let q): "/audit" + Self.query(q)
        case .stylesheet: "/static/app.css"
        case .script: "/static/app.js"
        }
    }

    static func query(_ items: [(String, String)]) -> String {
        let kept = items.filter { !$0.1.isEmpty }
        guard !kept.isEmpty else { return "" }
        return "?" + kept.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
}
