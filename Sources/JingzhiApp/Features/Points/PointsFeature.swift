import JingzhiCore
import Vapor

/// The points ledger and the points supermarket (积分与积分超市).
enum PointsFeature: Feature {
    static func configure(_ app: Application) {
        app.homeParts.tiles += [
            HomeTile(order: 60) { req in (SiteURL.Activities.list.path, req.t("志愿活动", "Volunteer activities"), nil) },
            HomeTile(order: 70) { req in (SiteURL.Points.passbook(page: nil).path, req.t("我的积分", "My points"), nil) },
        ]
    }

    static func routes(_ g: RouteGroups) throws {
        PointsAPI.register(g.apiAuthed)
        ActivityAPI.register(g.apiAuthed)
        PointsPages.register(g.staff)
        PointsStaffPages.register(g.staff)
        ActivityPages.register(g.staff)
        ActivityStaffPages.register(g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(150, .participation) { actor in
            switch actor.role {
            case .resident: (SiteURL.Points.passbook(page: nil).path, "我的积分", "My points")
            case .admin, .streetStaff, .communityStaff: (SiteURL.Points.goods.path, "积分超市", "Points shop")
            default: nil
            }
        },
        navLink(151, .participation) { RedemptionParty($0.role).map { $0 != .resident } == true ? (SiteURL.Points.collect(code: nil).path, "核销兑换", "Collect redemptions") : nil },
        navLink(153, .participation) { actor in
            switch actor.role {
            case .resident: (SiteURL.Activities.list.path, "志愿活动", "Volunteer activities")
            case .admin, .streetStaff, .communityStaff: (SiteURL.Activities.manage.path, "志愿活动", "Volunteer activities")
            default: nil
            }
        },
        navLink(152, .participation) { PointsService.staffRoles.contains($0.role) ? (SiteURL.Points.award(query: nil).path, "发放积分", "Award points") : nil },
    ]

    static let pathColumns = [PathColumn(PointsAccount.schema), PathColumn(PointsEntry.schema), PathColumn(PointsGoods.schema),
                              PathColumn(PointsRedemption.schema), PathColumn(VolunteerActivity.schema), PathColumn(ActivityAttendance.schema)]

    static let fieldNames: [String: FieldName] = [
        "points": FieldName("积分", "Points"), "reason": FieldName("事由", "Reason"), "sourceRef": FieldName("来源编号", "Source reference"),
        "goodsId": FieldName("商品", "Goods"), "quantity": FieldName("数量", "Quantity"), "pricePoints": FieldName("兑换积分", "Price in points"),
        "stock": FieldName("库存", "Stock"), "monthlyLimit": FieldName("每人每月限兑", "Monthly limit per resident"),
        "entryId": FieldName("积分记录", "Entry"),
    ]
}
