import Foundation
import JingzhiCore

extension SiteURL {
    /// Property services: compounds, bills and payments, the repair queue, ratings, and the resident's own page.
    enum Property {
        case overview(withoutCompany: Bool)
        case compound(UUID)
        case tier(UUID)
        case inspection(UUID)
        case generateBills(UUID)
        case dunning(UUID)
        case taskDone(UUID)
        case cases
        case bills(query: [(String, String)])
        case billsCSV(query: [(String, String)])
        case billsXLSX(query: [(String, String)])
        case bill(UUID)
        case pay(UUID)
        case reverse(payment: UUID)
        case collection(query: [(String, String)])
        case collectionXLSX(query: [(String, String)])
        case mine
        case payMine(UUID)
        case rate
        case ratings(month: String?)
        case publishRatings

        enum Pattern {
            static let overview = RoutePattern("/property")
            static let compound = RoutePattern("/property/compounds/:id")
            static let tier = RoutePattern("/property/compounds/:id/tier", .POST)
            static let inspection = RoutePattern("/property/compounds/:id/inspection", .POST)
            static let generateBills = RoutePattern("/property/compounds/:id/bills", .POST)
            static let dunning = RoutePattern("/property/compounds/:id/dunning", .POST)
            static let taskDone = RoutePattern("/property/tasks/:id/done", .POST)
            static let cases = RoutePattern("/property/cases")
            static let bills = RoutePattern("/property/bills")
            static let billsCSV = RoutePattern("/property/bills.csv")
            static let billsXLSX = RoutePattern("/property/bills.xlsx")
            static let bill = RoutePattern("/property/bills/:id")
            static let pay = RoutePattern("/property/bills/:id/pay", .POST)
            static let reverse = RoutePattern("/property/payments/:id/reverse", .POST)
            static let collection = RoutePattern("/property/collection")
            static let collectionXLSX = RoutePattern("/property/collection.xlsx")
            static let mine = RoutePattern("/my/property")
            static let payMine = RoutePattern("/my/property/bills/:id/pay", .POST)
            static let rate = RoutePattern("/my/property/rate", .POST)
            static let ratings = RoutePattern("/property/ratings")
            static let publishRatings = RoutePattern("/property/ratings/publish", .POST)
            static let all = [overview, compound, tier, inspection, generateBills, dunning, taskDone, cases, bills, billsCSV, billsXLSX,
                              bill, pay, reverse, collection, collectionXLSX, mine, payMine, rate, ratings, publishRatings]
        }

        var path: String {
            switch self {
            case .overview(let without): Pattern.overview.path() + SiteURL.query([("withoutCompany", without ? "1" : "")])
            case .compound(let id): Pattern.compound.path(id)
            case .tier(let id): Pattern.tier.path(id)
            case .inspection(let id): Pattern.inspection.path(id)
            case .generateBills(let id): Pattern.generateBills.path(id)
            case .dunning(let id): Pattern.dunning.path(id)
            case .taskDone(let id): Pattern.taskDone.path(id)
            case .cases: Pattern.cases.path()
            case .bills(let q): Pattern.bills.path() + SiteURL.query(q)
            case .billsCSV(let q): Pattern.billsCSV.path() + SiteURL.query(q)
            case .billsXLSX(let q): Pattern.billsXLSX.path() + SiteURL.query(q)
            case .bill(let id): Pattern.bill.path(id)
            case .pay(let id): Pattern.pay.path(id)
            case .reverse(let payment): Pattern.reverse.path(payment)
            case .collection(let q): Pattern.collection.path() + SiteURL.query(q)
            case .collectionXLSX(let q): Pattern.collectionXLSX.path() + SiteURL.query(q)
            case .mine: Pattern.mine.path()
            case .payMine(let id): Pattern.payMine.path(id)
            case .rate: Pattern.rate.path()
            case .ratings(let month): Pattern.ratings.path() + SiteURL.query([("month", month ?? "")])
            case .publishRatings: Pattern.publishRatings.path()
            }
        }
    }
}
