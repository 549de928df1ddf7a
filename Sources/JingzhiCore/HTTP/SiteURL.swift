import Foundation

/// Every page of the web UI, so links are built in one place and never typed as strings in views.
/// Core holds the frame's own pages; each feature adds its pages as a nested enum (`SiteURL.Org`, `SiteURL.Cases`, …).
package enum SiteURL {
    case home
    case language(Lang, back: String)
    case stylesheet
    case script

    /// The route each case is registered from.
    package enum Pattern {
        package static let home = RoutePattern("/")
        package static let language = RoutePattern("/lang/:lang")
        package static let stylesheet = RoutePattern("/static/app.css")
        package static let script = RoutePattern("/static/app.js")
        package static let all = [home, language, stylesheet, script]
    }

    package var path: String {
        switch self {
        case .home: Pattern.home.path()
        case .language(let lang, let back): Pattern.language.path(lang.rawValue) + Self.query([("back", back)])
        case .stylesheet: Pattern.stylesheet.path()
        case .script: Pattern.script.path()
        }
    }

    /// `?a=1&b=2` from the pairs whose value is not empty; "" when none is left.
    package static func query(_ items: [(String, String)]) -> String {
        let kept = items.filter { !$0.1.isEmpty }
        guard !kept.isEmpty else { return "" }
        return "?" + kept.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters, for a path segment or a query value.
    package static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
}
