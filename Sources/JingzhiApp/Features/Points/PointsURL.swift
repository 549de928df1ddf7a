import Foundation
import JingzhiCore

extension SiteURL {
    /// The points passbook and supermarket (residents), and the staff's goods, redemptions and awards.
    enum Points {
        case passbook(page: Int?)
        case shop
        case redeem(goods: UUID)
        case redemption(UUID)
        case cancel(UUID)
        case goods
        case editGoods(UUID)
        case collect(code: String?)
        case award(query: String?)
        case report(month: String?)
        case export(month: String)
        case rules(node: String?)
        case donation
        case rankings(node: String?, period: String?)
        case goodsPhoto(UUID, photo: UUID)
        case goodsPhotos(UUID)
        case removeGoodsPhoto(UUID, photo: UUID)

        enum Pattern {
            static let passbook = RoutePattern("/points")
            static let shop = RoutePattern("/points/shop")
            static let redeem = RoutePattern("/points/shop/:id/redeem", .POST)
            static let redemption = RoutePattern("/points/redemptions/:id")
            static let cancel = RoutePattern("/points/redemptions/:id/cancel", .POST)
            static let goods = RoutePattern("/points/goods", .GET, .POST)
            static let editGoods = RoutePattern("/points/goods/:id", .GET, .POST)
            static let collect = RoutePattern("/points/collect", .GET, .POST)
            static let award = RoutePattern("/points/award", .GET, .POST)
            static let report = RoutePattern("/points/report")
            static let export = RoutePattern("/points/report/export")
            static let rules = RoutePattern("/points/rules", .GET, .POST)
            static let donation = RoutePattern("/points/donations", .POST)
            static let rankings = RoutePattern("/points/rankings")
            static let goodsPhoto = RoutePattern("/points/goods/:id/photos/:photoId")
            static let goodsPhotos = RoutePattern("/points/goods/:id/photos", .POST)
            static let removeGoodsPhoto = RoutePattern("/points/goods/:id/photos/:photoId/remove", .POST)
            static let all = [passbook, shop, redeem, redemption, cancel, goods, editGoods, collect, award, report, export, rules, donation, rankings,
                              goodsPhoto, goodsPhotos, removeGoodsPhoto]
        }

        var path: String {
            switch self {
            case .passbook(let page): Pattern.passbook.path() + SiteURL.query([("page", page.map(String.init) ?? "")])
            case .shop: Pattern.shop.path()
            case .redeem(let id): Pattern.redeem.path(id)
            case .redemption(let id): Pattern.redemption.path(id)
            case .cancel(let id): Pattern.cancel.path(id)
            case .goods: Pattern.goods.path()
            case .editGoods(let id): Pattern.editGoods.path(id)
            case .collect(let code): Pattern.collect.path() + SiteURL.query([("code", code ?? "")])
            case .award(let q): Pattern.award.path() + SiteURL.query([("q", q ?? "")])
            case .report(let month): Pattern.report.path() + SiteURL.query([("month", month ?? "")])
            case .export(let month): Pattern.export.path() + SiteURL.query([("month", month)])
            case .rules(let node): Pattern.rules.path() + SiteURL.query([("node", node ?? "")])
            case .donation: Pattern.donation.path()
            case .rankings(let node, let period): Pattern.rankings.path() + SiteURL.query([("node", node ?? ""), ("period", period ?? "")])
            case .goodsPhoto(let id, let photo): Pattern.goodsPhoto.path(id, photo)
            case .goodsPhotos(let id): Pattern.goodsPhotos.path(id)
            case .removeGoodsPhoto(let id, let photo): Pattern.removeGoodsPhoto.path(id, photo)
            }
        }
    }
}
