import Foundation
import JingzhiCore

extension SiteURL {
    /// Case measures and the monthly report.
    enum Measures {
        /// `query` as the measures page builds it (it keeps empty dates), "" or starting with "?".
        case page(query: String)
        case monthly(query: [(String, String)])
        case monthlyCSV(query: [(String, String)])
        case monthlyXLSX(query: [(String, String)])
        case monthlyPrint(query: [(String, String)])

        enum Pattern {
            static let page = RoutePattern("/measures")
            static let monthly = RoutePattern("/reports/monthly")
            static let monthlyCSV = RoutePattern("/reports/monthly.csv")
            static let monthlyXLSX = RoutePattern("/reports/monthly.xlsx")
            static let monthlyPrint = RoutePattern("/reports/monthly/print")
            static let all = [page, monthly, monthlyCSV, monthlyXLSX, monthlyPrint]
        }

        var path: String {
            switch self {
            case .page(let q): Pattern.page.path() + q
            case .monthly(let q): Pattern.monthly.path() + SiteURL.query(q)
            case .monthlyCSV(let q): Pattern.monthlyCSV.path() + SiteURL.query(q)
            case .monthlyXLSX(let q): Pattern.monthlyXLSX.path() + SiteURL.query(q)
            case .monthlyPrint(let q): Pattern.monthlyPrint.path() + SiteURL.query(q)
            }
        }
    }
}
