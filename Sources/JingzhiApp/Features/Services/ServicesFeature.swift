import Foundation
import Fluent
import JingzhiCore
import Vapor

/// 便民办事 (一窗受理): the catalogue of matters, residents' applications with photos of their materials, the staff's
/// handling under a deadline with supervision, and certificates with a QR code that verifies them.
enum ServicesFeature: Feature {
    static func configure(_ app: Application) {
        app.homeParts.tiles.append(HomeTile(order: 45, essential: true) { req in
            guard let actor = req.actor, actor.user.residentID != nil else { return nil }
            return (SiteURL.Services.index().path, req.t("办事申请", "Applications"), try await waiting(req, actor))
        })
        app.homeParts.tiles.append(HomeTile(order: 46, essential: true) { req in (SiteURL.Services.nearby().path, req.t("附近服务", "Services nearby"), nil) })
        app.homeParts.sections.append(HomeSection(order: 20) { req in try await ServicesFeature.needsMoreSection(req) })
        app.minuteTasks.addCounting("service-deadlines", { app in
            do {
                let marked = try await ServiceApplications(db: app.db, now: app.clock.now()).markOverdue()
                if marked > 0 { app.logger.info("service applications overdue: \(marked)") }
                return marked
            } catch {
                app.logger.reportSafely(error, "ServicesFeature")
                return 0
            }
        })
    }

    static func routes(_ g: RouteGroups) throws {
        ServicesAPI.register(api: g.api, authed: g.apiAuthed)
        ServicePages.register(g.staff)
        PlacesAPI.register(g.apiAuthed)
        PlacePages.register(g.staff)
        ServiceCertificate.register(web: g.web, staff: g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(150, .service) { ServiceAccess.followsArea($0) ? (SiteURL.Services.index().path, "便民办事", "Service applications") : nil },
        navLink(151, .service) { PlaceService.editorRoles.contains($0.role) ? (SiteURL.Services.places().path, "生活圈目录", "Services directory") : nil },
    ]

    static let pathColumns = [PathColumn(ServiceApplication.schema), PathColumn(ServicePlace.schema)]

    static let fieldNames: [String: FieldName] = [
        "matterId": FieldName("办事事项", "Matter"), "residentId": FieldName("居民", "Resident"), "idNumber": FieldName("身份证号", "ID number"),
        "materials": FieldName("申请材料", "Materials"), "missing": FieldName("需补充的材料", "Materials missing"),
        "code": FieldName("编码", "Code"), "name": FieldName("名称", "Name"), "details": FieldName("事项说明", "What it is"),
        "eligibility": FieldName("申请条件", "Who may apply"), "minAge": FieldName("最低年龄", "Minimum age"),
        "requiredTag": FieldName("限定人群", "Tag"), "deadlineDays": FieldName("办理时限", "Deadline"),
        "certificateTitle": FieldName("出具证明名称", "Certificate"), "kind": FieldName("类型", "Kind"), "address": FieldName("地址", "Address"),
        "phone": FieldName("电话", "Phone"), "lat": FieldName("位置", "Position"), "lon": FieldName("位置", "Position"),
        "hours": FieldName("营业时间", "Opening hours"), "onlineUrl": FieldName("线上服务链接", "Online link"), "day": FieldName("日期", "Day"),
        "reason": FieldName("原因", "Reason"), "holidays": FieldName("节假日", "Holidays"), "nodeId": FieldName("所属社区", "Community"),
    ]

    /// The resident's applications waiting for them (materials to add), for the tile's badge.
    static func waiting(_ req: Request, _ actor: Actor) async throws -> Int {
        guard let rid = actor.user.residentID else { return 0 }
        return try await ServiceApplication.query(on: req.db).filter(\.$residentID == rid)
            .filter(\.$stateRaw == ServiceState.needsMore.rawValue).count()
    }

    /// On the resident's home: applications where staff asked for more, so the resident sees what is missing.
    static func needsMoreSection(_ req: Request) async throws -> HTML? {
        guard let actor = req.actor, let rid = actor.user.residentID else { return nil }
        let rows = try await ServiceApplication.query(on: req.db).filter(\.$residentID == rid)
            .filter(\.$stateRaw == ServiceState.needsMore.rawValue).sort(\.$submittedAt, .descending).limit(3).all()
        guard !rows.isEmpty else { return nil }
        return """
        <section aria-labelledby="home-services-title" id="home-services"><h2 id="home-services-title">\(req.t("办事申请待补充材料", "Applications waiting for your materials"))</h2>
        \(ServicePages.cards(req, rows))</section>
        """
    }
}
