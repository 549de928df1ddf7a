import JingzhiCore
import Vapor

/// The points ledger and the points supermarket (积分与积分超市).
enum PointsFeature: Feature {
    static func configure(_ app: Application) {
        app.minuteTasks.addCounting("points", { app in let r = await PointsScheduler.tick(app); return r.offersPassed + r.redemptionsExpired + r.accountsExpired })
        // A closed case may earn its reporter points (随手拍, a mediated dispute); once per case, whatever the retries.
        CaseHooks.shared.afterCommit("points") { c, _, to, db, now in
            if to == .closed { try await PointsService(db: db, now: now, source: .system("积分规则")).caseClosed(c) }
        }
        app.homeParts.tiles += [
            HomeTile(order: 60) { req in (SiteURL.Activities.list.path, req.t("志愿活动", "Volunteer activities"), nil) },
            HomeTile(order: 70) { req in (SiteURL.Points.passbook(page: nil).path, req.t("我的积分", "My points"), nil) },
        ]
    }

    static func routes(_ g: RouteGroups) throws {
        PointsAPI.register(g.apiAuthed)
        GoodsPhotos.register(api: g.apiAuthed, web: g.staff)
        ActivityAPI.register(g.apiAuthed)
        ActivityNotice.register(api: g.apiAuthed, web: g.staff)
        PointsPages.register(g.staff)
        PointsStaffPages.register(g.staff)
        ActivityPages.register(g.staff)
        ActivityStaffPages.register(g.staff)
        VolunteerAPI.register(g.apiAuthed)
        PointsRulesAPI.register(g.apiAuthed)
        PointsRulesPages.register(g.staff)
        VolunteerRankingsAPI.register(api: g.apiAuthed, pages: g.staff)
        VolunteerPages.register(g.staff)
        VolunteerStaffPages.register(g.staff)
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
            case .partner: (SiteURL.Activities.manage.path, "组织志愿活动", "Organise activities")
            default: nil
            }
        },
        // Residents reach volunteering and the rankings from the activities page: their row of links stays short.
        navLink(154, .participation) { PointsService.staffRoles.contains($0.role) ? (SiteURL.Volunteers.manage.path, "志愿者", "Volunteers") : nil },
        navLink(152, .participation) { PointsService.staffRoles.contains($0.role) ? (SiteURL.Points.award(query: nil).path, "发放积分", "Award points") : nil },
        navLink(156, .participation) { PointsService.staffRoles.contains($0.role) ? (SiteURL.Points.rankings(node: nil, period: nil).path, "志愿者排行榜", "Volunteer rankings") : nil },
        navLink(155, .participation) { PointsService.staffRoles.contains($0.role) ? (SiteURL.Points.rules(node: nil).path, "积分规则", "Earning rules") : nil },
    ]

    static let pathColumns = [PathColumn(PointsAccount.schema), PathColumn(PointsEntry.schema), PathColumn(PointsGoods.schema),
                              PathColumn(PointsRedemption.schema), PathColumn(VolunteerActivity.schema), PathColumn(ActivityAttendance.schema),
                              PathColumn(VolunteerTeam.schema), PathColumn(Volunteer.schema), PathColumn(VolunteerPost.schema),
                              PathColumn(PointsRule.schema)]

    static let fieldNames: [String: FieldName] = [
        "points": FieldName("积分", "Points"), "reason": FieldName("事由", "Reason"), "sourceRef": FieldName("来源编号", "Source reference"),
        "goodsId": FieldName("商品", "Goods"), "quantity": FieldName("数量", "Quantity"), "pricePoints": FieldName("兑换积分", "Price in points"),
        "stock": FieldName("库存", "Stock"), "monthlyLimit": FieldName("每人每月限兑", "Monthly limit per resident"),
        "entryId": FieldName("积分记录", "Entry"),
        "skills": FieldName("特长技能", "Skills"), "availability": FieldName("可服务时间", "Availability"), "team": FieldName("志愿服务队", "Team"),
        "organisation": FieldName("所在单位或组织", "Organisation"), "note": FieldName("说明", "Note"), "duties": FieldName("职责", "Duties"),
        "source": FieldName("积分来源", "Path"), "monthlyCap": FieldName("每月上限", "Monthly cap"), "reservedSeats": FieldName("留给志愿者的名额", "Seats held for volunteers"),
        "requiredTags": FieldName("报名标签", "Tags required"), "minAge": FieldName("最小年龄", "Youngest age"), "maxAge": FieldName("最大年龄", "Oldest age"),
        "period": FieldName("月份或年份", "Month or year"),
    ]
}
