import Fluent
import JingzhiCore
import Vapor

/// Smart devices (智慧设备): the registry, gateways' readings, rules that raise alarms and cases.
enum DevicesFeature: Feature {
    static func configure(_ app: Application) {
        app.minuteTasks.addCounting("devices", { app in let r = await DeviceScheduler.tick(app); return r.welfare + r.silent + r.aggregated })
        DeviceCommandCentre.register(app)
        app.caseOrigins.register(channel: "device") { ids, db, lang in try await DeviceCaseOrigins.read(ids, on: db, lang: lang) }
    }

    static func routes(_ g: RouteGroups) throws {
        DevicesAPI.register(api: g.api, authed: g.apiAuthed)
        DevicePages.register(g.staff)
        DeviceImportPage.register(staff: g.staff, api: g.apiAuthed)
        DeviceKeysPage.register(staff: g.staff, api: g.apiAuthed)
    }

    static let navigation: [NavItem] = [
        navLink(45, .grid) { DevicesAPI.readers.contains($0.role) ? (SiteURL.Devices.list(query: []).path, "智慧设备", "Smart devices") : nil },
    ]

    static let pathColumns = [PathColumn(Device.schema), PathColumn(DeviceRule.schema), PathColumn(DeviceAlarm.schema)]

    static let fieldNames: [String: FieldName] = [
        "serial": FieldName("设备编号", "Serial"), "kind": FieldName("设备类型", "Kind"), "installedOn": FieldName("安装日期", "Installed on"),
        "household": FieldName("住户", "Household"), "baseRuleId": FieldName("原规则", "Base rule"), "hours": FieldName("时长", "Hours"),
        "quietFrom": FieldName("免打扰开始", "Quiet from"), "quietTo": FieldName("免打扰结束", "Quiet to"),
    ]
}

/// The device and household behind each case a device raised.
enum DeviceCaseOrigins {
    static func read(_ caseIDs: [UUID], on db: any Database, lang: Lang) async throws -> [UUID: CaseOrigin] {
        var out: [UUID: CaseOrigin] = [:]
        for chunk in caseIDs.chunked(500) {
            let alarms = try await DeviceAlarm.query(on: db).filter(\.$caseID ~~ chunk).all()
            let devices = try await Device.query(on: db).filter(\.$id ~~ Set(alarms.map(\.deviceID))).all()
            for a in alarms {
                guard let c = a.caseID, let d = devices.first(where: { $0.id == a.deviceID }) else { continue }
                let kind = d.deviceKind.map { lang.t($0.zh, $0.en) } ?? d.kind
                out[c] = CaseOrigin(label: lang.t("来自设备告警", "From a device alarm"),
                                    title: "\(kind) \(d.serial)：\(a.summary)（\((AlarmState(rawValue: a.state) ?? .cleared).label(lang))）",
                                    href: SiteURL.Devices.detail(d.id!).path, deviceSerial: d.serial, householdId: d.householdID)
            }
        }
        return out
    }
}
