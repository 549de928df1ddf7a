import Foundation
import JingzhiCore

extension SiteURL {
    /// Service applications (便民办事 / 一窗受理): the catalogue, applying, the staff's queue, certificates and their check.
    enum Services {
        case index(query: [(String, String)] = [])
        case matter(UUID)
        case apply(UUID)
        case newMatter
        case editMatter(UUID)
        case application(UUID)
        case act(UUID, action: String)
        case supplement(UUID)
        case material(UUID, file: UUID)
        case certificate(UUID)
        case verify(token: String)
        case measures
        case nearby(query: [(String, String)] = [])
        case place(UUID)
        case places(query: [(String, String)] = [])
        case newPlace
        case editPlace(UUID)
        case closures(UUID)
        case holidays

        enum Pattern {
            static let index = RoutePattern("/services")
            static let matter = RoutePattern("/services/matters/:id")
            static let apply = RoutePattern("/services/matters/:id/apply", .POST)
            static let newMatter = RoutePattern("/services/catalogue/new", .GET, .POST)
            static let editMatter = RoutePattern("/services/matters/:id/edit", .GET, .POST)
            static let application = RoutePattern("/services/applications/:id")
            static let act = RoutePattern("/services/applications/:id/act/:action", .POST)
            static let supplement = RoutePattern("/services/applications/:id/supplement", .POST)
            static let material = RoutePattern("/services/applications/:id/materials/:file")
            static let certificate = RoutePattern("/services/applications/:id/certificate")
            static let verify = RoutePattern("/verify/:token")
            static let measures = RoutePattern("/services/measures")
            static let nearby = RoutePattern("/services/nearby")
            static let place = RoutePattern("/services/places/:id")
            static let places = RoutePattern("/services/places")
            static let newPlace = RoutePattern("/services/places/new", .GET, .POST)
            static let editPlace = RoutePattern("/services/places/:id/edit", .GET, .POST)
            static let closures = RoutePattern("/services/places/:id/closures", .POST)
            static let holidays = RoutePattern("/services/holidays", .GET, .POST)
            static let all = [index, matter, apply, newMatter, editMatter, application, act, supplement, material, certificate, verify, measures,
                              nearby, place, places, newPlace, editPlace, closures, holidays]
        }

        var path: String {
            switch self {
            case .index(let query): Pattern.index.path() + SiteURL.query(query)
            case .matter(let id): Pattern.matter.path(id)
            case .apply(let id): Pattern.apply.path(id)
            case .newMatter: Pattern.newMatter.path()
            case .editMatter(let id): Pattern.editMatter.path(id)
            case .application(let id): Pattern.application.path(id)
            case .act(let id, let action): Pattern.act.path(id, action)
            case .supplement(let id): Pattern.supplement.path(id)
            case .material(let id, let f): Pattern.material.path(id, f)
            case .certificate(let id): Pattern.certificate.path(id)
            case .verify(let token): Pattern.verify.path(token)
            case .measures: Pattern.measures.path()
            case .nearby(let query): Pattern.nearby.path() + SiteURL.query(query)
            case .place(let id): Pattern.place.path(id)
            case .places(let query): Pattern.places.path() + SiteURL.query(query)
            case .newPlace: Pattern.newPlace.path()
            case .editPlace(let id): Pattern.editPlace.path(id)
            case .closures(let id): Pattern.closures.path(id)
            case .holidays: Pattern.holidays.path()
            }
        }
    }
}
