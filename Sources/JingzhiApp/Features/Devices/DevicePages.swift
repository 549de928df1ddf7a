import Fluent
import JingzhiCore
import Vapor

/// Staff pages: devices with their health, one device with its metrics and alarms, the alarm list.
enum DevicePages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Devices.Pattern
        staff.get(P.list, use: list)
        staff.get(P.alarms, use: alarms)
        staff.get(P.detail, use: detail)
        staff.post(P.clear, use: clear)
    }

    static func statusBadge(_ req: Request, online: Bool) -> HTML {
        online ? "<span>\(req.t("在线", "online"))</span>" : "<span class=\"overdue\">\(req.t("离线", "offline"))</span>"
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try DevicesAPI.reader(req)
        let page = try PageRequest(req, defaultPer: 30)
        let filter = try DeviceQueries.Filter(req)
        let result = try await DeviceQueries(db: req.db, now: req.now).page(filter, scope: actor.scope, page: page, lang: req.lang)
        let rows: [HTML] = result.items.map { d in """
            <tr><td data-label="\(req.t("编号", "Serial"))"><a href="\(SiteURL.Devices.detail(d.id).path)">\(d.serial)</a></td>
            <td data-label="\(req.t("类型", "Kind"))">\(d.kindLabel)</td><td data-label="\(req.t("位置", "Place"))">\(d.place)</td>
            <td data-label="\(req.t("状态", "Status"))">\(statusBadge(req, online: d.online))\(d.activeAlarms > 0 ? HTML(" <span class=\"tag\">\(req.t("告警 \(d.activeAlarms)", "\(d.activeAlarms) alarm(s)"))</span>") : .empty)</td>
            <td data-label="\(req.t("最后上报", "Last report"))">\(d.lastSeenAt.map { ShanghaiTime.format($0) } ?? req.t("从未", "never"))</td>
            <td data-label="\(req.t("电量", "Battery"))">\(d.battery.map { "\(Int($0)) %" } ?? "—")</td></tr>
            """ }
        let kinds = DeviceKind.allCases.map { ($0.rawValue, req.t($0.zh, $0.en)) }
        let statuses = [("online", req.t("在线", "Online")), ("offline", req.t("离线", "Offline")), ("alarm", req.t("告警中", "With an alarm"))]
        let query: [(String, String)] = [("kind", filter.kind ?? ""), ("node", filter.node ?? ""), ("status", filter.status ?? ""), ("q", filter.q ?? "")]
        return Layout(req: req, title: req.t("智慧设备", "Smart devices"), wide: true).render("""
        <p class="actions"><a href="\(SiteURL.Devices.alarms(query: [("state", "active")]).path)">\(req.t("查看告警", "Alarms"))</a>\(DevicesAPI.managers.contains(actor.role)
            ? HTML(" <a href=\"\(SiteURL.Devices.importForm.path)\">\(req.t("批量导入设备", "Import devices"))</a>") : .empty)\(actor.role == .admin
            ? HTML(" <a href=\"\(SiteURL.Devices.keys.path)\">\(req.t("网关密钥", "Gateway keys"))</a>") : .empty)</p>
        <form method="get" action="\(SiteURL.Devices.list(query: []).path)" class="filters">
        \(Form.select(req.t("类型", "Kind"), name: "kind", options: kinds, selected: filter.kind, includeBlank: req.t("全部类型", "All kinds")))
        \(Form.select(req.t("状态", "Status"), name: "status", options: statuses, selected: filter.status, includeBlank: req.t("全部", "All")))
        \(Form.field(req.t("位置编码", "Place code"), name: "node", value: filter.node))
        \(Form.field(req.t("设备编号", "Serial"), name: "q", value: filter.q))
        <button>\(req.t("筛选", "Filter"))</button></form>
        <table class="list"><thead><tr><th>\(req.t("编号", "Serial"))</th><th>\(req.t("类型", "Kind"))</th><th>\(req.t("位置", "Place"))</th>
        <th>\(req.t("状态", "Status"))</th><th>\(req.t("最后上报", "Last report"))</th><th>\(req.t("电量", "Battery"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("没有符合条件的设备", "No devices match"))</td></tr>"] : rows)</tbody></table>
        \(pager(req, total: result.total, page: page) { SiteURL.Devices.list(query: query + [("page", String($0))]).path })
        """)
    }

    @Sendable static func detail(req: Request) async throws -> HTML {
        let actor = try DevicesAPI.reader(req)
        let device = try await Device.find(try req.idParameter(), within: actor.scope, on: req.db)
        let d = try await DeviceQueries(db: req.db, now: req.now).dto(device, lang: req.lang, withAlarms: true)
        let metrics = try await DeviceMetricState.query(on: req.db).filter(\.$deviceID == d.id).sort(\.$metric).all()
        let metricRows: [HTML] = metrics.map { m in """
            <tr><td data-label="\(req.t("指标", "Metric"))">\(m.metric)</td><td data-label="\(req.t("最新读数", "Latest"))">\(DeviceRuleRunner.number(m.lastValue))</td>
            <td data-label="\(req.t("时间", "At"))">\(ShanghaiTime.format(m.lastTs))</td><td data-label="\(req.t("最近一次使用", "Last use"))">\(ShanghaiTime.format(m.lastActiveAt))</td></tr>
            """ }
        let alarmRows: [HTML] = (d.alarms ?? []).map { a in
            let clearForm: HTML = a.state == AlarmState.active.rawValue ? """
                <form method="post" action="\(SiteURL.Devices.clear(alarm: a.id).path)" class="inline">\(Form.csrf(req))
                <input type="hidden" name="version" value="\(a.version)">
                <label class="field"><span>\(req.t("解除原因", "Reason to clear"))</span><input name="note" required maxlength="500"></label>
                <button>\(req.t("手动解除", "Clear"))</button></form>
                """ : .empty
            return """
            <tr><td data-label="\(req.t("告警", "Alarm"))">\(a.summary)</td><td data-label="\(req.t("状态", "State"))">\(a.stateLabel)</td>
            <td data-label="\(req.t("发生", "Raised"))">\(ShanghaiTime.format(a.raisedAt))\(a.repeats > 0 ? HTML(" · \(req.t("重复 \(a.repeats) 次", "repeated \(a.repeats)×"))") : .empty)</td>
            <td data-label="\(req.t("诉求", "Case"))">\(a.caseId.map { HTML("<a href=\"\(SiteURL.Cases.detail($0).path)\">\(req.t("查看诉求", "Open case"))</a>") } ?? .empty)</td>
            <td>\(clearForm)</td></tr>
            """
        }
        return Layout(req: req, title: "\(d.kindLabel) \(d.serial)", wide: true).render("""
        <p><a href="\(SiteURL.Devices.list(query: []).path)">‹ \(req.t("全部设备", "All devices"))</a></p>
        <dl class="props"><dt>\(req.t("位置", "Place"))</dt><dd>\(d.place)</dd><dt>\(req.t("状态", "Status"))</dt><dd>\(statusBadge(req, online: d.online))</dd>
        <dt>\(req.t("最后上报", "Last report"))</dt><dd>\(d.lastSeenAt.map { ShanghaiTime.format($0) } ?? req.t("从未", "never"))</dd>
        <dt>\(req.t("电量", "Battery"))</dt><dd>\(d.battery.map { "\(Int($0)) %" } ?? "—")</dd>
        <dt>\(req.t("厂商型号", "Vendor and model"))</dt><dd>\(d.vendor) \(d.model)</dd><dt>\(req.t("安装日期", "Installed"))</dt><dd>\(d.installedOn ?? "—")</dd></dl>
        <h2>\(req.t("读数", "Readings"))</h2>
        <table class="list"><thead><tr><th>\(req.t("指标", "Metric"))</th><th>\(req.t("最新读数", "Latest"))</th><th>\(req.t("时间", "At"))</th><th>\(req.t("最近一次使用", "Last use"))</th></tr></thead>
        <tbody>\(metricRows.isEmpty ? ["<tr><td colspan=\"4\" class=\"muted\">\(req.t("尚未上报读数", "No readings yet"))</td></tr>"] : metricRows)</tbody></table>
        <h2>\(req.t("告警", "Alarms"))</h2>
        <table class="list"><thead><tr><th>\(req.t("告警", "Alarm"))</th><th>\(req.t("状态", "State"))</th><th>\(req.t("发生", "Raised"))</th><th>\(req.t("诉求", "Case"))</th><th>\(req.t("操作", "Action"))</th></tr></thead>
        <tbody>\(alarmRows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("没有告警", "No alarms"))</td></tr>"] : alarmRows)</tbody></table>
        """)
    }

    @Sendable static func alarms(req: Request) async throws -> HTML {
        let actor = try DevicesAPI.reader(req)
        let page = try PageRequest(req, defaultPer: 30)
        let state = try req.query.get(String?.self, at: "state").flatMap { ["active", "cleared"].contains($0) ? $0 : nil }
        var q = DeviceAlarm.query(on: req.db).within(actor.scope)
        if state == "active" { q = q.filter(\.$activeKey != nil) } else if state == "cleared" { q = q.filter(\.$activeKey == nil) }
        let total = try await q.count()
        let rows = try await q.sort(\.$raisedAt, .descending).range(page.range).all()
        let devices = try await Device.query(on: req.db).filter(\.$id ~~ Set(rows.map(\.deviceID))).all()
        let items: [HTML] = rows.map { a in
            let d = devices.first { $0.id == a.deviceID }
            return """
            <tr><td data-label="\(req.t("设备", "Device"))">\(d.map { HTML("<a href=\"\(SiteURL.Devices.detail($0.id!).path)\">\($0.serial)</a>") } ?? .empty)</td>
            <td data-label="\(req.t("告警", "Alarm"))">\(a.summary)</td><td data-label="\(req.t("状态", "State"))">\((AlarmState(rawValue: a.state) ?? .cleared).label(req.lang))</td>
            <td data-label="\(req.t("发生", "Raised"))">\(ShanghaiTime.format(a.raisedAt))</td>
            <td data-label="\(req.t("诉求", "Case"))">\(a.caseID.map { HTML("<a href=\"\(SiteURL.Cases.detail($0).path)\">\(req.t("查看诉求", "Open case"))</a>") } ?? .empty)</td></tr>
            """
        }
        let states = [("active", req.t("告警中", "Active")), ("cleared", req.t("已解除", "Cleared"))]
        let month = try await DeviceMonthly.compute(req.db, scope: actor.scope, month: ShanghaiTime.currentMonth(req.now), lang: req.lang)
        return Layout(req: req, title: req.t("设备告警", "Device alarms"), wide: true).render("""
        <p><a href="\(SiteURL.Devices.list(query: []).path)">‹ \(req.t("全部设备", "All devices"))</a></p>
        \(DeviceMonthly.card(req, month))
        <form method="get" action="\(SiteURL.Devices.alarms(query: []).path)" class="filters">
        \(Form.select(req.t("状态", "State"), name: "state", options: states, selected: state, includeBlank: req.t("全部", "All")))
        <button>\(req.t("筛选", "Filter"))</button></form>
        <table class="list"><thead><tr><th>\(req.t("设备", "Device"))</th><th>\(req.t("告警", "Alarm"))</th><th>\(req.t("状态", "State"))</th><th>\(req.t("发生", "Raised"))</th><th>\(req.t("诉求", "Case"))</th></tr></thead>
        <tbody>\(items.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("没有告警", "No alarms"))</td></tr>"] : items)</tbody></table>
        \(pager(req, total: total, page: page) { SiteURL.Devices.alarms(query: [("state", state ?? ""), ("page", String($0))]).path })
        """)
    }

    struct ClearForm: Content {
        var note: String?
        var version: Int?
    }

    @Sendable static func clear(req: Request) async throws -> Response {
        let actor = try DevicesAPI.reader(req)
        let alarm = try await DeviceAlarm.find(try req.idParameter(), within: actor.scope, on: req.db)
        let form = try req.content.decode(ClearForm.self)
        do {
            _ = try await DeviceAlarmService(db: req.db, now: req.now)
                .clearByHand(alarm, note: form.note, role: actor.role, source: req.auditSource, expectedVersion: form.version)
            req.flash(req.t("告警已解除，原因已记入诉求", "Alarm cleared; the reason is noted on its case"))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: SiteURL.Devices.detail(alarm.deviceID).path)
    }
}
