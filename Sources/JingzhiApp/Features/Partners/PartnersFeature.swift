import Foundation
import JingzhiCore
import Vapor

/// Partners (红色合伙人, 双报到), the three lists (needs, resources, projects), micro-wishes with claims, service logs.
enum PartnersFeature: Feature {
    static func configure(_ app: Application) {
        app.minuteTasks.addCounting("partners", { app in await PartnersScheduler.tick(app) })
        // Staff freeing a post a partner or party member holds (Points' release) ends that claim in the same transaction.
        VolunteerPostHooks.shared.onFreed("partners-task-claims") { post, holder, db, now, source in
            try await TaskClaimService(db: db, now: now, source: source).postFreed(post.id!, holder: holder)
        }
        // Residents see the wish wall and our partners from their home.
        app.homeParts.tiles.append(HomeTile(order: 70) { req in
            guard req.actor?.role == .resident else { return nil }
            return (SiteURL.Partners.wall(query: "").path, req.t("微心愿", "Micro-wishes"), nil)
        })
        app.homeParts.tiles.append(HomeTile(order: 71) { req in
            guard req.actor?.role == .resident else { return nil }
            return (SiteURL.Partners.ours(query: "").path, req.t("我们的合伙人", "Our partners"), nil)
        })
        // The services directory lists our partners (and what they offer) through its extension point.
        app.directoryLinks.append(DirectoryLink(order: 50) { req in
            (SiteURL.Partners.ours(query: "").path, req.t("我们的合伙人", "Our partners"),
             req.t("红色合伙人为居民提供的场地、服务和志愿者", "Venues, services and volunteers our partners offer residents"))
        })
        app.homeParts.tiles.append(HomeTile(order: 72) { req in
            guard req.actor?.role == .resident, req.actor?.user.residentID != nil else { return nil }
            return (SiteURL.Partners.myNeeds.path, req.t("提需求", "Raise a need"), nil)
        })
    }

    static func routes(_ g: RouteGroups) throws {
        PartnersAPI.register(api: g.api, authed: g.apiAuthed)
        WishesAPI.register(api: g.api, authed: g.apiAuthed)
        ListsAPI.register(g.apiAuthed)
        PartnerPages.register(web: g.web, staff: g.staff)
        WishPages.register(web: g.web, staff: g.staff)
        ListPages.register(g.staff)
        LogPages.register(g.staff)
        ClaimsAPI.register(g.apiAuthed)
        ClaimPages.register(g.staff)
        JointMeetingPages.register(api: g.apiAuthed, staff: g.staff)
        ProjectPhotos.register(api: g.apiAuthed, staff: g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(150, .participation) { PartnerAccess.isStaff($0) ? (SiteURL.Partners.list(query: "").path, "红色合伙人", "Partners") : nil },
        navLink(151, .participation) { PartnerAccess.isStaff($0) ? (SiteURL.Partners.wishes(query: "").path, "微心愿", "Micro-wishes") : nil },
        navLink(152, .participation) { PartnerAccess.isStaff($0) || $0.role == .gridWorker ? (SiteURL.Partners.needs(query: "").path, "需求清单", "Needs") : nil },
        navLink(153, .participation) { PartnerAccess.isStaff($0) ? (SiteURL.Partners.logs(query: "").path, "服务记录", "Service logs") : nil },
        // A partner account's own pages.
        navLink(150, .participation) { $0.role == .partner ? (SiteURL.Partners.wishes(query: "").path, "认领心愿", "Claim wishes") : nil },
        navLink(151, .participation) { $0.role == .partner ? (SiteURL.Partners.resources(query: "").path, "我的资源", "My resources") : nil },
        navLink(152, .participation) { $0.role == .partner ? (SiteURL.Partners.logs(query: "").path, "服务记录", "Service logs") : nil },
        navLink(153, .participation) { $0.role == .partner ? (SiteURL.Partners.list(query: "").path, "合作协议", "Agreement") : nil },
        navLink(155, .participation) { PartnerAccess.isStaff($0) ? (SiteURL.Partners.meetings.path, "联席会议", "Joint meetings") : nil },
        navLink(151, .participation) { $0.role == .gridWorker ? (SiteURL.Partners.wishes(query: "").path, "微心愿转交", "Wishes to pass on") : nil },
        navLink(154, .participation) { $0.role == .partner || PartnerAccess.isStaff($0) ? (SiteURL.Partners.claims.path, "岗位与小需求认领", "Posts and requests") : nil },
    ]

    static let pathColumns = [PathColumn(Partner.schema), PathColumn(PartyMember.schema), PathColumn(Need.schema),
                              PathColumn(PartnerResource.schema), PathColumn(PartnerProject.schema), PathColumn(PartnerMatch.schema),
                              PathColumn(Wish.schema), PathColumn(WishClaim.schema), PathColumn(ServiceLog.schema),
                              PathColumn(PartnerEvaluation.schema), PathColumn(TaskClaim.schema),
                              PathColumn(JointMeeting.schema)]

    static let fieldNames: [String: FieldName] = [
        "name": FieldName("名称", "Name"), "kind": FieldName("类型", "Kind"), "creditCode": FieldName("统一社会信用代码", "Credit code"),
        "offers": FieldName("提供什么", "What they offer"), "contactName": FieldName("联系人", "Contact"), "contactPhone": FieldName("联系电话", "Phone"),
        "categories": FieldName("协议范围", "Agreement covers"), "agreementFrom": FieldName("协议开始", "Agreement from"),
        "agreementTo": FieldName("协议结束", "Agreement to"), "story": FieldName("公开描述", "Public story"), "value": FieldName("价值上限", "Value"),
        "beneficiaryName": FieldName("心愿人姓名", "Person's name"), "photo": FieldName("交付照片", "Photo"), "quantity": FieldName("数量", "Quantity"),
        "forWhom": FieldName("服务对象", "For whom"), "dueDay": FieldName("期限", "By when"), "availableFrom": FieldName("可提供自", "Available from"),
        "availableTo": FieldName("可提供至", "Available to"), "committed": FieldName("承诺数量", "Committed"), "what": FieldName("服务内容", "What"),
        "hours": FieldName("时长", "Hours"), "day": FieldName("日期", "Day"), "unit": FieldName("工作单位", "Unit"), "thanks": FieldName("感谢", "Thanks"),
        "owner": FieldName("负责人", "Owner"), "startDay": FieldName("开始", "Start"), "endDay": FieldName("结束", "End"),
    ]
}

/// Lapses claims past their deadline; called from the scheduler's minute loop.
enum PartnersScheduler {
    @discardableResult
    static func tick(_ app: Application) async -> Int {
        do {
            let n = try await WishService(db: app.db, now: app.clock.now(), source: .system("认领过期")).sweep()
            let t = try await TaskClaimService(db: app.db, now: app.clock.now()).sweep()
            if n + t > 0 { app.logger.info("claims lapsed: \(n) wishes, \(t) posts and requests") }
            return n + t
        } catch {
            app.logger.reportSafely(error, "PartnersFeature")
            return 0
        }
    }
}
