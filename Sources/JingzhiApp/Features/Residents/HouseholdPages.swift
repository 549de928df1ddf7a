import Fluent
import JingzhiCore
import Vapor

/// A household with its members and visits; the visit form is made for a grid worker's phone.
enum HouseholdPages {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Residents.Pattern
        web.get(P.newHousehold, use: newForm)
        web.post(P.newHousehold, use: create)
        web.get(P.household, use: show)
        web.post(P.householdVisits, use: addVisit)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        let h = try await Household.find(try req.idParameter(), within: actor.scope, on: req.db)
        return try await page(req, actor, h, visitError: nil, status: .ok)
    }

    static func page(_ req: Request, _ actor: Actor, _ h: Household, visitError: String?, status: HTTPStatus) async throws -> Response {
        let service = ResidentService(req: req)
        let members = try await service.members(of: h).map { ResidentDTO($0, household: h, viewer: actor, now: req.now) }
        let visits = try await service.visits(of: h)
        // Links other features offer on a visit (raise it as a deliberation topic).
        let visitLinks = try await visits.asyncMap { try await req.application.pageLinks.links("visit", req, id: $0.id!) }
        let node = try await OrgNode.find(h.nodeID, on: req.db)!
        let chain = try await OrgService(req: req).ancestors(of: node)
        let visitForm: HTML = actor.can(.logVisits) ? """
        <h2 id="visit">\(req.t("记录走访", "Log a visit"))</h2>
        \(visitError.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Residents.householdVisits(h.id!).path)" class="card">\(Form.csrf(req))
          \(Form.field(req.t("日期", "Date"), name: "visitedOn", value: ShanghaiTime.today(req.now), type: "date", required: true))
          \(Form.select(req.t("类型", "Kind"), name: "kind", options: Visit.kinds.map { ($0, $0) }, selected: nil))
          \(Form.textarea(req.t("情况记录", "Notes"), name: "notes"))
          <button>\(req.t("保存走访", "Save visit"))</button>
        </form>
        """ : .empty
        let body: HTML = """
        \(breadcrumb(chain, scope: actor.scope))
        <p class="muted">\(h.occupancy ?? "")</p>
        <h2>\(req.t("家庭成员", "Members")) (\(members.count))</h2>
        <ul class="tree">\(members.map { m -> HTML in
            "<li><span><a href=\"\(SiteURL.Residents.resident(m.id).path)\">\(m.name)</a> \(m.relation) · \(m.gender) \(m.age.map(String.init) ?? "")</span><span>\(m.tags.map { HTML("<span class=\"tag\">\($0)</span>") })</span></li>"
        })</ul>
        \(actor.can(.editResidents) ? HTML("<p><a class=\"button secondary\" href=\"\(SiteURL.Residents.new(household: h.id).path)\">+ \(req.t("登记成员", "Add member"))</a></p>") : .empty)
        \(visitForm)
        <h2>\(req.t("走访记录", "Visits")) (\(visits.count))</h2>
        <ul class="tree">\(zip(visits, visitLinks).map { v, links -> HTML in
            let more = links.map { l -> HTML in " <a href=\"\(l.href)\">\(l.label)</a>" }
            return "<li><span><b>\(v.visitedOn)</b> \(v.kind)<br>\(v.notes)</span><span class=\"muted\">\(v.visitorName)\(more)</span></li>"
        })</ul>
        """
        return try await Layout(req: req, title: h.address).render(body).encodeResponse(status: status, for: req)
    }

    struct VisitForm: Content { var visitedOn: String?; var kind: String?; var notes: String? }

    @Sendable static func addVisit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.logVisits)
        let h = try await Household.find(try req.idParameter(), within: actor.scope, on: req.db)
        let f = try req.content.decode(VisitForm.self)
        do {
            _ = try await ResidentService(req: req).addVisit(to: h, on: f.visitedOn, kind: f.kind, notes: f.notes, visitor: actor.user, source: req.auditSource)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, actor, h, visitError: req.words(e), status: e.status)
        }
        req.flash(req.t("走访已记录", "Visit saved"))
        return req.redirect(to: SiteURL.Residents.household(h.id!).path)
    }

    struct HouseholdForm: Content { var node: String?; var room: String?; var occupancy: String? }

    static func nodeParam(_ req: Request, _ actor: Actor, _ raw: String?) async throws -> OrgNode {
        guard let id = raw.flatMap(UUID.init(uuidString:)) else { throw APIError.missing("node") }
        return try await OrgNode.find(id, within: actor.scope, on: req.db)
    }

    static func newPage(_ req: Request, _ node: OrgNode, _ f: HouseholdForm, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        try await ResidentForms.formPage(req, title: req.t("登记住户 · \(node.name)", "New household · \(node.name)"), error: error, """
        <input type="hidden" name="node" value="\(node.id)">
        \(Form.field(req.t("房号", "Room"), name: "room", value: f.room, required: true, hint: req.t("如 302", "e.g. 302")))
        \(Form.select(req.t("居住情况", "Occupancy"), name: "occupancy", options: ["自住", "出租", "空置"].map { ($0, $0) }, selected: f.occupancy))
        <button>\(req.t("保存", "Save"))</button>
        """, status: status)
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.editResidents)
        return try await newPage(req, try await nodeParam(req, actor, try req.query.get(String?.self, at: "node")), HouseholdForm(), error: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.editResidents)
        let f = try req.content.decode(HouseholdForm.self)
        let node = try await nodeParam(req, actor, f.node)
        do {
            let h = try await ResidentService(req: req).createHousehold(node: node, room: f.room, occupancy: f.occupancy, scope: actor.scope, source: req.auditSource)
            return req.redirect(to: SiteURL.Residents.household(h.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await newPage(req, node, f, error: req.words(e), status: e.status)
        }
    }
}
