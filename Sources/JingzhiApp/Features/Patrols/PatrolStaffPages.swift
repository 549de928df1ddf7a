import Fluent
import JingzhiCore
import Vapor

/// Patrols for desks: the list with filters, and one patrol with its summary and the replay of its track.
enum PatrolStaffPages {
    static func register(_ web: any RoutesBuilder) {
        web.get(SiteURL.Patrols.Pattern.list, use: list)
        web.get(SiteURL.Patrols.Pattern.detail, use: show)
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let state = (try req.query.get(String?.self, at: "state")) ?? ""
        let nodeRaw = (try req.query.get(String?.self, at: "node")) ?? ""
        let from = (try req.query.get(String?.self, at: "from")) ?? "", to = (try req.query.get(String?.self, at: "to")) ?? ""
        var filter = PatrolFilter(state: state, from: from, to: to)
        if !nodeRaw.isEmpty { filter.node = try await OrgService(req: req).node(nodeRaw, within: actor.scope, field: "node") }
        let service = PatrolService(req: req)
        let (rows, total) = try await service.list(filter, for: actor, page: page)
        let grids = Dictionary(uniqueKeysWithValues: try await OrgNode.query(on: req.db).filter(\.$id ~~ Set(rows.map(\.gridID))).all().map { ($0.id!, $0.name) })
        let active = actor.role == .gridWorker ? [] : try await service.active(within: filter.node.map { DataScope(rootPath: $0.path) } ?? actor.scope)
        let params = [("state", state), ("node", nodeRaw), ("from", from), ("to", to)]
        return Layout(req: req, title: req.t("巡查记录", "Patrols"), wide: true).render("""
        \(actor.role == .gridWorker ? HTML("<p><a class=\"button\" href=\"\(SiteURL.Patrols.patrol.path)\">\(req.t("去巡查", "Go on patrol"))</a></p>") : .empty)
        \(active.isEmpty ? .empty : HTML("""
        <h2>\(req.t("正在巡查", "On patrol now")) (\(active.count))</h2>
        <ul class="tree">\(active.map { a -> HTML in
            "<li><a href=\"\(SiteURL.Patrols.detail(a.patrolId).path)\">\(a.workerName) · \(a.gridName)</a><span>\(req.t("开始于", "since")) \(ShanghaiTime.format(a.startedAt, "HH:mm")) · \(a.distanceMetres) \(req.t("米", "m"))</span></li>"
        })</ul>
        """))
        <form method="get" action="\(SiteURL.Patrols.list(query: []).path)" class="card actions">
          \(Form.select(req.t("状态", "State"), name: "state", options: [(Patrol.open, req.t("进行中", "open")), (Patrol.ended, req.t("已结束", "ended")),
                                                                   (Patrol.autoClosed, req.t("系统结束", "closed by the system"))], selected: state, includeBlank: req.t("全部", "all")))
          \(Form.field(req.t("节点（编码）", "Node (code)"), name: "node", value: nodeRaw))
          \(Form.field(req.t("开始日期自", "From"), name: "from", value: from, type: "date"))
          \(Form.field(req.t("至", "To"), name: "to", value: to, type: "date"))
          <button>\(req.t("筛选", "Filter"))</button>
        </form>
        <div class="table-wrap"><table class="stack"><thead><tr><th>\(req.t("网格员", "Worker"))</th><th>\(req.t("网格", "Grid"))</th><th>\(req.t("开始", "Started"))</th>
        <th>\(req.t("用时", "Duration"))</th><th>\(req.t("里程", "Distance"))</th><th>\(req.t("打卡楼栋", "Buildings"))</th><th>\(req.t("上报事件", "Events"))</th>
        <th>\(req.t("异常定位", "Flagged"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"9\" class=\"muted\">\(req.t("没有巡查记录", "No patrols"))</td></tr>"] : rows.map { p -> HTML in
            """
            <tr><td data-label="\(req.t("网格员", "Worker"))"><a href="\(SiteURL.Patrols.detail(p.id!).path)">\(p.workerName)</a></td><td data-label="\(req.t("网格", "Grid"))">\(grids[p.gridID] ?? "")</td>
            <td data-label="\(req.t("开始", "Started"))">\(ShanghaiTime.format(p.startedAt))</td><td data-label="\(req.t("用时", "Duration"))">\(PatrolPages.clock(p.durationSeconds(now: req.now)))</td>
            <td data-label="\(req.t("里程", "Distance"))">\(Int(p.distanceM.rounded())) \(req.t("米", "m"))</td><td data-label="\(req.t("打卡楼栋", "Buildings"))">\(p.buildingsCovered)</td>
            <td data-label="\(req.t("上报事件", "Events"))">\(p.eventCount)</td><td data-label="\(req.t("异常定位", "Flagged"))">\(p.flaggedCount)</td>
            <td data-label="\(req.t("状态", "State"))">\(PatrolPages.stateLabel(p.state, req))</td></tr>
            """
        })</tbody></table></div>
        \(pager(req, total: total, page: page) { SiteURL.Patrols.list(query: params + [("page", String($0))]).path })
        """)
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let service = PatrolService(req: req)
        let p = try await service.visible(try req.idParameter(), to: actor)
        let track = try await service.track(of: p)
        let checkins = try await service.checkins(of: p), events = try await service.events(of: p)
        var pins = checkins.compactMap { c in c.latitude.flatMap { lat in c.longitude.map { TrackSVG.Pin(point: GeoPoint(lon: $0, lat: lat), label: "打卡 " + c.buildingName, kind: "checkin") } } }
        pins += events.compactMap { e, c in e.latitude.flatMap { lat in e.longitude.map { TrackSVG.Pin(point: GeoPoint(lon: $0, lat: lat), label: c.number, kind: "event") } } }
        let title = req.t("\(p.workerName)的巡查 · \(ShanghaiTime.format(p.startedAt))", "Patrol by \(p.workerName) · \(ShanghaiTime.format(p.startedAt))")
        return Layout(req: req, title: title, wide: true).render("""
        <div class="stats">
          <div class="stat"><b>\(Int(p.distanceM.rounded()))</b>\(req.t("米", "metres"))</div>
          <div class="stat"><b>\(PatrolPages.clock(p.durationSeconds(now: req.now)))</b>\(req.t("用时", "duration"))</div>
          <div class="stat"><b>\(p.buildingsCovered)</b>\(req.t("打卡楼栋", "buildings covered"))</div>
          <div class="stat"><b>\(p.eventCount)</b>\(req.t("上报事件", "events reported"))</div>
          <div class="stat"><b>\(p.flaggedCount)</b>\(req.t("异常定位点", "flagged fixes")) / \(p.fixCount)</div>
          <div class="stat"><b>\(PatrolPages.stateLabel(p.state, req))</b>\(p.endedAt.map { ShanghaiTime.format($0) } ?? "")</div>
        </div>
        <div class="grid2">
          <div class="card">\(TrackSVG.render(track, pins: pins, title: req.t("巡查轨迹回放", "Track replay")))
            <p class="muted">\(req.t("红线：轨迹（绿点为起点）；橙色方块：异常定位（跳点、远离网格、精度差）；绿圈：打卡；蓝圈：上报事件。",
                                      "Red: the track (green dot: start); orange squares: flagged fixes; green: check-ins; blue: events."))</p></div>
          <div>
            <h2>\(req.t("楼栋打卡", "Check-ins")) (\(checkins.count))</h2>
            <ul class="tree">\(checkins.map { c -> HTML in "<li><span>\(c.buildingName)</span><span class=\"muted\">\(ShanghaiTime.format(c.at, "HH:mm"))</span></li>" })</ul>
            <h2>\(req.t("上报事件", "Events")) (\(events.count))</h2>
            <ul class="tree">\(events.map { e, c -> HTML in
                "<li><a href=\"\(SiteURL.Cases.detail(c.id!).path)\">\(c.number)</a><span>\(String(c.description.prefix(30)))</span><span class=\"muted\">\(ShanghaiTime.format(e.at, "HH:mm"))</span></li>"
            })</ul>
            <p><a href="\(SiteURL.Patrols.list(query: []).path)">\(req.t("返回巡查记录", "All patrols"))</a></p>
          </div>
        </div>
        """)
    }
}
