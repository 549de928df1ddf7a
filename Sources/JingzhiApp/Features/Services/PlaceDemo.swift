import Fluent
import Foundation
import JingzhiCore

/// The demo directory: the county's holidays and 调休 days, and a few places around every compound of the demo
/// (clinics, pharmacies, the canteen, shops, repairs, elderly care, 四点半课堂, service halls, 红帆驿站, partners).
enum PlaceDemo {
    static let holidays = """
    2026-10-01 国庆节
    2026-10-02 国庆节
    2026-10-03 国庆节
    2026-10-04 国庆节
    2026-10-05 国庆节
    2026-10-06 国庆节
    2026-10-07 国庆节
    2026-09-27 调休上班
    2026-10-10 调休上班
    2027-01-01 元旦
    2027-01-02 元旦
    2027-01-03 元旦
    """

    /// What sits around a compound, turning through the kinds: name pattern, kind, weekly hours (Monday first), holidays kept.
    static let templates: [(String, PlaceKind, [String], Bool)] = [
        ("%@卫生服务站", .clinic, Array(repeating: "08:00-11:30 13:30-17:30", count: 5) + ["08:00-11:30", "休息"], true),
        ("益康大药房（%@店）", .pharmacy, Array(repeating: "07:30-21:30", count: 7), false),
        ("%@孝贤大食堂", .canteen, Array(repeating: "06:30-08:30 11:00-13:00 17:00-19:00", count: 6) + ["休息"], false),
        ("惠民超市（%@店）", .supermarket, Array(repeating: "07:00-22:00", count: 7), false),
        ("%@便民维修点", .repair, Array(repeating: "08:30-12:00 14:00-18:30", count: 6) + ["休息"], false),
        ("%@日间照料中心", .elderlyCare, Array(repeating: "08:00-17:00", count: 5) + ["09:00-16:00", "09:00-16:00"], false),
        ("%@四点半课堂", .childcare, Array(repeating: "16:30-18:30", count: 5) + ["休息", "休息"], true),
        ("%@便民服务大厅", .serviceHall, Array(repeating: "08:30-12:00 14:00-17:30", count: 5) + ["休息", "休息"], true),
        ("%@红帆驿站", .station, Array(repeating: "24小时", count: 7), false),
        ("%@家政服务（合作商家）", .partner, Array(repeating: "08:00-20:00", count: 7), false),
    ]

    static func seed(under root: OrgNode, on db: any Database, at now: Date) async throws -> Int {
        guard try await ServicePlace.query(on: db).count() == 0,
              let user = try await User.query(on: db).filter(\.$username == "admin").first() else { return 0 }
        let admin = try await Actor.load(user, on: db, now: now)
        let service = PlaceService(db: db, now: now, source: .cli("seed"))
        _ = try await service.setHolidays(holidays, by: admin)
        let compounds = try await OrgNode.query(on: db).within(DataScope(rootPath: root.path))
            .filter(\.$kindRaw == NodeKind.compound.rawValue).sort(\.$path).all()
        var made = 0
        for (i, c) in compounds.enumerated() {
            guard let centre = try await PlaceService.centre(of: c, on: db)?.point else { continue }
            let community = try await OrgService(db: db, now: now).ancestors(of: c).last { $0.kind == .community }
            // Three places per compound; a community's hall and canteen come once, with its first compound.
            let picks = (0..<3).map { (i * 3 + $0) % templates.count }
            for (k, t) in picks.enumerated() {
                let (pattern, kind, hours, keeps) = templates[t]
                if (kind == .serviceHall || kind == .canteen), community == nil { continue }
                let stem = kind == .serviceHall || kind == .canteen ? community!.name : c.name
                let angle = Double(i * 7 + k * 3) * 0.9, metres = 120.0 + Double((i * 37 + k * 53) % 480)
                let dLat = metres * cos(angle) / 111_320, dLon = metres * sin(angle) / (111_320 * cos(centre.lat * .pi / 180))
                let input = PlaceInput(name: String(format: pattern, stem), kind: kind.rawValue, nodeID: community?.id ?? c.id,
                                       address: "\(c.name)东门旁 \(k + 1) 号", phone: String(format: "0537-62%05d", (i * 10 + k) % 100_000),
                                       lat: centre.lat + dLat, lon: centre.lon + dLon, hours: hours, keepsHolidays: keeps,
                                       onlineURL: kind == .clinic ? "https://www.jnyy.com.cn/guahao" : nil,
                                       details: "\(kind.zh)：\(c.name)及周边居民就近服务")
                let name = input.name ?? ""
                guard try await ServicePlace.query(on: db).filter(\.$name == name).first() == nil else { continue }
                _ = try await service.create(input, by: admin)
                made += 1
            }
        }
        return made
    }
}
