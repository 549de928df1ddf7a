import Fluent
import JingzhiCore
import Vapor

/// The to-dos a staff home opens on: each a count that links to where the work is.
enum HomeTodos {
    struct Item {
        let label: String
        let count: Int
        let href: String
        /// Drawn in red when not zero (late work).
        var urgent = false
    }

    static func items(_ req: Request, _ actor: Actor) async throws -> [Item] {
        var items: [Item] = []
        if CaseQueue.available(to: actor) {
            let unit = try await CaseUnit.of(actor, on: req.db)
            let counts = try await CaseQueuePage.counts(req, actor, unit, .init())
            let now = req.now
            let tomorrow = ShanghaiTime.dayStart(ShanghaiTime.add(1, to: ShanghaiTime.today(now)))
            // Every open case my unit handles, started or not (an unstarted one is late all the same).
            func mine() -> QueryBuilder<Case> {
                unit.handles(Case.query(on: req.db).visible(to: actor)).filter(\.$stateRaw !~ (CaseQueue.finished + [.replied]).map(\.rawValue))
            }
            let dueToday = try await mine().filter(\.$resolutionDueAt >= now).filter(\.$resolutionDueAt < tomorrow).count()
            let overdue = try await mine().filter(\.$resolutionDueAt < now).count()
            let queue = { (q: CaseQueue) in SiteURL.Cases.queue(query: [("queue", q.rawValue)]).path }
            items += [
                Item(label: req.t("待受理", "To accept"), count: counts[.toAccept] ?? 0, href: queue(.toAccept)),
                Item(label: req.t("今日到期", "Due today"), count: dueToday, href: queue(.mine)),
                Item(label: req.t("本单位超期", "Overdue in my unit"), count: overdue, href: queue(.mine), urgent: true),
                Item(label: req.t("待评价", "Awaiting rating"), count: counts[.toRate] ?? 0, href: queue(.toRate)),
            ]
        }
        if actor.role == .gridWorker {
            let grids = try await GridWorker.query(on: req.db).filter(\.$userID == actor.userID).all()
            let nodes = try await OrgNode.query(on: req.db).filter(\.$id ~~ grids.map(\.gridID)).all()
            var due = 0
            for grid in nodes { due += try await CareVisitService(db: req.db, now: req.now).tasks(under: grid.path).filter { $0.status != "done" }.count }
            items.append(Item(label: req.t("待走访", "Visits due"), count: due, href: SiteURL.Visits.overview(query: []).path))
        }
        if actor.can(.approveLinks) {
            let pending = try await LinkRequest.query(on: req.db).within(actor.scope).filter(\.$status == LinkState.pending.rawValue).count()
            items.append(Item(label: req.t("待审核认证", "Link requests"), count: pending, href: SiteURL.Accounts.linkRequests.path))
        }
        let unread = try await Notification.query(on: req.db).filter(\.$userID == actor.userID).filter(\.$readAt == nil).count()
        items.append(Item(label: req.t("未读消息", "Unread messages"), count: unread, href: SiteURL.Cases.notifications.path))
        let notices = try await NoticeReceipts(req: req).unreadCount(actor)
        items.append(Item(label: req.t("未读通知", "Unread notices"), count: notices, href: SiteURL.Notices.list.path))
        return items
    }

    static func render(_ req: Request, _ actor: Actor) async throws -> HTML {
        let items = try await items(req, actor)
        guard !items.isEmpty else { return .empty }
        return """
        <section aria-labelledby="todos"><h2 id="todos">\(req.t("待办", "To do"))</h2>
        <div class="stats todos">\(items.map { i -> HTML in
            "<a class=\"stat\(i.urgent && i.count > 0 ? " urgent" : "")\" href=\"\(i.href)\"><span class=\"muted\">\(i.label)</span><b>\(i.count)</b></a>"
        })</div></section>
        """
    }

    /// A department's or property company's own open cases, to accept and to do, on its home.
    static func ownCases(_ req: Request, _ actor: Actor) async throws -> HTML {
        let unit = try await CaseUnit.of(actor, on: req.db)
        var out: [HTML] = []
        for queue in [CaseQueue.toAccept, .mine] {
            let rows = try await queue.query(Case.query(on: req.db).visible(to: actor), unit: unit).limit(10).all()
            let table = try await CaseQueueTable.render(req, actor, rows: rows)
            out.append("""
            <h2>\(req.lang.t(queue.zh, queue.en))</h2>
            \(table)
            <p><a href="\(SiteURL.Cases.queue(query: [("queue", queue.rawValue)]).path)">\(req.t("查看全部", "See all")) ›</a></p>
            """)
        }
        return HTML(out)
    }
}
