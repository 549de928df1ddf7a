import Foundation
import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/joint-meetings` and the staff's wide page of joint meetings (联席会议) with the form.
enum JointMeetingPages {
    struct Body: Content {
        var nodeId: String?
        var day: String?
        var attendees: [String]?
        var projectIds: [UUID]?
        var minutes: String?
    }

    static func register(api: any RoutesBuilder, staff: any RoutesBuilder) {
        api.get("joint-meetings", use: list)
        api.post("joint-meetings", use: create)
        staff.get(SiteURL.Partners.Pattern.meetings, use: { try await page($0, form: Body(), error: nil) })
        staff.post(SiteURL.Partners.Pattern.meetings, use: createForm)
    }

    @Sendable static func list(req: Request) async throws -> PageOf<JointMeetingDTO> {
        let page = try PageRequest(req)
        let (items, total) = try await JointMeetingService(req: req).list(for: try req.requireActor(), page: page)
        return PageOf(items: items.map(JointMeetingDTO.init), total: total, page: page.page)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let b = try req.decodeJSON(Body.self)
        let m = try await JointMeetingService(req: req).record(nodeID: b.nodeId, day: b.day, attendees: b.attendees, projectIDs: b.projectIds,
                                                               minutes: b.minutes, by: try req.requireActor())
        return try await JointMeetingDTO(m).encodeResponse(status: .created, for: req)
    }

    static func page(_ req: Request, form f: Body, error: String?) async throws -> HTML {
        let actor = try req.requireActor()
        let pageReq = try PageRequest(req)
        let (items, total) = try await JointMeetingService(req: req).list(for: actor, page: pageReq)
        let projects = try await PartnerProject.query(on: req.db).within(actor.scope).sort(\.$startDay, .descending).limit(100).all()
        let titles = Dictionary(projects.map { ($0.id!, $0.title) }) { a, _ in a }
        let places = try await PartnerPages.places(req, actor, kinds: [.community, .street])
        let rows = items.map { m -> HTML in
            """
            <tr><td data-label="\(req.t("日期", "Day"))">\(m.day)</td>
            <td data-label="\(req.t("参会", "Attendees"))">\(m.attendees.split(separator: "\n").joined(separator: "、"))</td>
            <td data-label="\(req.t("审议项目", "Projects reviewed"))">\(m.projectIDs.map { titles[$0] ?? "—" }.joined(separator: "、"))</td>
            <td data-label="\(req.t("纪要", "Minutes"))">\(m.minutes)</td></tr>
            """
        }
        let boxes = projects.map { p -> HTML in
            "<label class=\"check\"><input type=\"checkbox\" name=\"projectIds[]\" value=\"\(p.id!.uuidString)\"\(HTML(raw: (f.projectIds ?? []).contains(p.id!) ? " checked" : ""))> \(p.title)</label>"
        }
        return Layout(req: req, title: req.t("联席会议", "Joint meetings"), wide: true).render("""
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("日期", "Day"))</th><th>\(req.t("参会", "Attendees"))</th>
        <th>\(req.t("审议项目", "Projects reviewed"))</th><th>\(req.t("纪要", "Minutes"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"4\" class=\"muted\">\(req.t("还没有会议记录", "No meetings yet"))</td></tr>"] : rows)</tbody></table></div>
        \(pager(req, total: total, page: pageReq) { SiteURL.Partners.meetings.path + "?page=\($0)" })
        <h2>\(req.t("记录一次联席会议", "Record a joint meeting"))</h2>\(ListPages.errorLine(error))
        <form method="post" action="\(SiteURL.Partners.meetings.path)">\(Form.csrf(req))
        \(Form.select(req.t("社区或街道", "Community or street"), name: "nodeId", options: places, selected: f.nodeId, required: true))
        \(Form.field(req.t("会议日期", "Day"), name: "day", value: f.day ?? ShanghaiTime.today(req.now), type: "date", required: true))
        \(Form.textarea(req.t("参会单位和人员（每行一位）", "Attendees (one per line)"), name: "attendees[]", value: f.attendees?.joined(separator: "\n"), required: true))
        <fieldset><legend>\(req.t("审议的项目", "Projects reviewed"))</legend>\(boxes.isEmpty ? [HTML("<p class=\"muted\">\(req.t("还没有项目", "No projects yet"))</p>")] : boxes)</fieldset>
        \(Form.textarea(req.t("会议纪要", "Minutes"), name: "minutes", value: f.minutes, required: true))
        <button class="button">\(req.t("保存会议记录", "Save the meeting"))</button></form>
        """)
    }

    @Sendable static func createForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Body.self)
        do {
            let m = try await JointMeetingService(req: req).record(nodeID: f.nodeId, day: f.day, attendees: f.attendees, projectIDs: f.projectIds,
                                                                   minutes: f.minutes, by: actor)
            req.flash(req.t("已保存 \(m.day) 的联席会议记录。", "The joint meeting of \(m.day) is recorded."))
            return req.redirect(to: SiteURL.Partners.meetings.path)
        } catch let e as APIError where e.status.code < 500 {
            try PartnerAccess.requireStaff(actor)
            return try await page(req, form: f, error: req.words(e)).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }
}
