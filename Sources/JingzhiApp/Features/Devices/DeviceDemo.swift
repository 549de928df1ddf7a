import Fluent
import Foundation
import JingzhiCore
import Vapor

extension DevicesFeature: DemoContributor {
    /// The county gets 260 devices like Yutai's and two days of their readings, with the alarms and cases they raised.
    /// The tiny demo that tests run on has none.
    static func seedDemo(_ c: DemoContext) async throws {
        guard c.plan.scale == .county else { return }
        try await DeviceDemo.seed(c)
    }

    /// A demo server keeps its devices talking: every minute it feeds what they said since the last time.
    static func liveDemo(_ app: Application) {
        app.minuteTasks.add("device-simulator") { app in
            do {
                let now = app.clock.now()
                _ = try await DeviceSimulator.feed(app.db, from: now.addingTimeInterval(-DeviceSimulator.step), to: now, sweep: false)
            } catch {
                app.logger.reportSafely(error, "DeviceDemo")
            }
        }
    }
}

/// Which devices each community of the demo gets, and from whom.
enum DeviceDemo {
    static let vendors = ["水务智联", "安消科技", "城市环卫"]

    /// (kind, count, code, vendor, model, where): `household` at elderly households, `compound` or `building` otherwise.
    static let perCommunity: [(DeviceKind, Int, String, Int, String, String)] = [
        (.waterMeter, 6, "WM", 0, "NB-IoT 智慧水表 DN15", "household"), (.smokeSensor, 5, "SM", 1, "JTY-GF 独立烟感", "household"),
        (.doorSensor, 2, "DS", 1, "门磁 M1", "household"), (.gasSensor, 1, "GS", 1, "家用燃气报警器 G2", "household"),
        (.electricityMeter, 2, "EM", 0, "单相智能电表", "household"), (.smartBin, 4, "BIN", 2, "无感垃圾桶 240L", "compound"),
        (.chargingPile, 2, "CP", 2, "智能充电桩 10 路", "compound"), (.waterVending, 1, "WV", 2, "24 小时无人售水机", "compound"),
        (.ebikeBlocker, 2, "EB", 2, "电梯电动车阻车器", "building"), (.accessGate, 1, "AG", 2, "人脸门禁", "compound"),
    ]

    static func seed(_ c: DemoContext) async throws {
        let clock = ContinuousClock(), began = clock.now
        let end = min(c.app.clock.now(), ShanghaiTime.dayStart(ShanghaiTime.day(number: c.asOf + 1)))
        let start = end.addingTimeInterval(-48 * 3600)
        for v in vendors {
            let k = DeviceKey()
            k.name = v
            k.keyHash = AccountService.sha256("demo-unprinted-" + UUID().uuidString)
            k.active = true
            k.createdAt = start
            try await k.create(on: c.db)
        }
        var made = 0
        let communities = try await OrgNode.query(on: c.db).filter(\.$kindRaw == NodeKind.community.rawValue)
            .within(DataScope(rootPath: c.root.path)).sort(\.$path).all()
        for (ci, community) in communities.enumerated() {
            let scope = DataScope(rootPath: community.path)
            let elderly = try await Resident.query(on: c.db).join(ResidentTag.self, on: \ResidentTag.$residentID == \Resident.$id)
                .filter(ResidentTag.self, \.$tag ~~ ["独居老人", "空巢老人"]).within(scope).sort(\.$nodePath).limit(200).all()
            var households: [UUID] = []
            for r in elderly where !households.contains(r.householdID) { households.append(r.householdID) }
            // Homes taken a grid at a time, so each kind's first devices sit in different grids (the first in grid 1).
            let byGrid = Dictionary(grouping: try await Household.query(on: c.db).filter(\.$id ~~ households).sort(\.$nodePath).all()) {
                String($0.nodePath.prefix(4 * PathSegment.width))
            }
            var homes: [Household] = []
            let grids = byGrid.keys.sorted()
            for round in 0..<(byGrid.values.map(\.count).max() ?? 0) {
                for g in grids where round < byGrid[g]!.count { homes.append(byGrid[g]![round]) }
            }
            let compounds = try await OrgNode.query(on: c.db).filter(\.$kindRaw == NodeKind.compound.rawValue).within(scope).sort(\.$path).all()
            let buildings = try await OrgNode.query(on: c.db).filter(\.$kindRaw == NodeKind.building.rawValue).within(scope).sort(\.$path).limit(50).all()
            for (kind, count, code, vendor, model, place) in perCommunity {
                for n in 0..<count {
                    var serial = "\(code)-\(community.code)-\(DemoDate.pad(n + 1, 2))"
                    if ci == 0 && n == 0 {
                        switch kind {
                        case .waterMeter: serial += "-QUIET"
                        case .smartBin: serial += "-FULL"
                        case .chargingPile: serial += "-FAULT"
                        case .gasSensor: serial += "-SILENT"
                        default: break
                        }
                    }
                    if ci == 1 && n == 0 && kind == .doorSensor { serial += "-QUIET" }
                    let d = Device()
                    d.serial = serial
                    d.kind = kind.rawValue
                    d.vendor = vendors[vendor]
                    d.model = model
                    d.installedOn = ShanghaiTime.day(number: c.asOf - 200 - n * 7)
                    d.active = true
                    d.createdAt = start
                    switch place {
                    case "household" where !homes.isEmpty:
                        let h = homes[n % homes.count]
                        (d.nodeID, d.nodePath, d.householdID) = (h.nodeID, h.nodePath, h.id)
                    case "building" where !buildings.isEmpty:
                        let b = buildings[(n * 7) % buildings.count]
                        (d.nodeID, d.nodePath) = (b.id!, b.path)
                    default:
                        let p = compounds.isEmpty ? community : compounds[(n * 3 + ci) % compounds.count]
                        (d.nodeID, d.nodePath) = (p.id!, p.path)
                    }
                    try await d.create(on: c.db)
                    made += 1
                }
            }
        }
        // Two days of hourly readings, the sweeper running each hour; then a smoke alarm just now, which the live demo's next
        // quarter-hour of readings clears (a note goes on its case).
        let fed = try await DeviceSimulator.feed(c.db, from: start, to: end, every: 3600) { c.log("  " + $0) }
        let last = Date(timeIntervalSince1970: (end.timeIntervalSince1970 / DeviceSimulator.step).rounded(.down) * DeviceSimulator.step)
        if let smoke = try await Device.query(on: c.db).filter(\.$kind == DeviceKind.smokeSensor.rawValue).sort(\.$serial).first(),
           let key = try await DeviceKey.query(on: c.db).filter(\.$name == smoke.vendor).first() {
            for offset in [60.0, 120] {
                let t = last.addingTimeInterval(offset)
                _ = try await DeviceIngest(db: c.db, now: t.addingTimeInterval(5))
                    .ingest([ReadingInput(device: smoke.serial, ts: ISOTime.format(t), metric: "smoke", value: 1)], key: key)
            }
        }
        let alarms = try await DeviceAlarm.query(on: c.db).count()
        c.log("智慧设备：\(made) 台，读数 \(fed) 条，告警 \(alarms) 次，用时 \(began.duration(to: clock.now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))) (devices: \(made), readings: \(fed), alarms: \(alarms))")
    }
}
