import Fluent
import Foundation
import JingzhiCore

/// The categories (诉求类别) and departments a county starts with.
enum CaseCatalog {
    static let departments: [(code: String, name: String)] = [
        ("zhujian", "县住建局"), ("chengguan", "县综合行政执法局"), ("gongan", "县公安局"), ("xiaofang", "县消防救援大队"),
        ("shengtai", "市生态环境局鱼台分局"), ("shichang", "县市场监管局"), ("gongdian", "县供电公司"), ("shuiwu", "县水务局"),
    ]

    struct Entry {
        let code: String
        let name: String
        let parent: String?
        let level: HandlerLevel
        let department: String?
        let response: Int
        let resolution: Int
        let workingHours: Bool
        let autoEscalate: Bool
    }

    static let categories: [Entry] = [
        Entry(code: "wuye", name: "物业管理", parent: nil, level: .property, department: "zhujian", response: 4, resolution: 72, workingHours: true, autoEscalate: true),
        Entry(code: "xiashuidao", name: "下水道堵塞", parent: "wuye", level: .property, department: "shuiwu", response: 2, resolution: 24, workingHours: false, autoEscalate: true),
        Entry(code: "dianti", name: "电梯故障", parent: "wuye", level: .property, department: "shichang", response: 1, resolution: 24, workingHours: false, autoEscalate: true),
        Entry(code: "huanjing", name: "环境卫生", parent: nil, level: .grid, department: "chengguan", response: 4, resolution: 48, workingHours: true, autoEscalate: true),
        Entry(code: "sheshi", name: "公共设施", parent: nil, level: .community, department: "zhujian", response: 8, resolution: 120, workingHours: true, autoEscalate: true),
        Entry(code: "chongdian", name: "充电设施", parent: "sheshi", level: .community, department: "gongdian", response: 8, resolution: 120, workingHours: true, autoEscalate: false),
        Entry(code: "maodun", name: "矛盾纠纷", parent: nil, level: .grid, department: nil, response: 2, resolution: 72, workingHours: false, autoEscalate: true),
        Entry(code: "zaoyin", name: "噪音扰民", parent: "maodun", level: .grid, department: "gongan", response: 1, resolution: 24, workingHours: false, autoEscalate: true),
        Entry(code: "zhian", name: "治安隐患", parent: nil, level: .community, department: "gongan", response: 1, resolution: 24, workingHours: false, autoEscalate: true),
        Entry(code: "xiaofang", name: "消防安全", parent: nil, level: .community, department: "xiaofang", response: 1, resolution: 24, workingHours: false, autoEscalate: true),
        Entry(code: "yangan", name: "烟感燃气报警", parent: "xiaofang", level: .grid, department: "xiaofang", response: 1, resolution: 4, workingHours: false, autoEscalate: true),
        Entry(code: "xiaofangtongdao", name: "占用消防通道", parent: "xiaofang", level: .grid, department: "xiaofang", response: 1, resolution: 12, workingHours: false, autoEscalate: true),
        Entry(code: "weijian", name: "违章搭建", parent: nil, level: .street, department: "chengguan", response: 8, resolution: 240, workingHours: true, autoEscalate: true),
        Entry(code: "tingche", name: "停车管理", parent: nil, level: .community, department: "gongan", response: 4, resolution: 72, workingHours: true, autoEscalate: false),
        Entry(code: "guanai", name: "关爱探访", parent: nil, level: .grid, department: nil, response: 2, resolution: 24, workingHours: false, autoEscalate: true),
        Entry(code: "qita", name: "其他", parent: nil, level: .community, department: nil, response: 8, resolution: 120, workingHours: true, autoEscalate: false),
    ]

    /// Categories about people rather than places (welfare checks, disputes): never public, with all their subcategories.
    static let privateRoots: Set<String> = ["guanai", "maodun"]

    /// The codes of the private categories and every category under them, as the category tree stands now.
    static func privateCodes(on db: any Database) async throws -> [String] {
        let all = try await CaseCategory.query(on: db).all()
        var codes = Set(all.filter { privateRoots.contains($0.code) }.compactMap(\.id))
        var grew = true
        while grew {
            let before = codes.count
            for c in all where c.parentID.map(codes.contains) == true { codes.insert(c.id!) }
            grew = codes.count > before
        }
        return all.filter { codes.contains($0.id!) }.map(\.code).sorted() + privateRoots.filter { root in !all.contains { $0.code == root } }
    }

    /// Inserts whatever of the catalogue is missing; running it again changes nothing.
    static func install(on db: any Database) async throws {
        var departmentIDs: [String: UUID] = [:]
        for d in departments {
            if let existing = try await Department.query(on: db).filter(\.$code == d.code).first() {
                departmentIDs[d.code] = existing.id
                continue
            }
            let dept = Department(code: d.code, name: d.name)
            try await dept.create(on: db)
            departmentIDs[d.code] = dept.id
        }
        var categoryIDs: [String: UUID] = [:]
        for e in categories {
            if let existing = try await CaseCategory.query(on: db).filter(\.$code == e.code).first() {
                categoryIDs[e.code] = existing.id
                continue
            }
            let c = CaseCategory()
            c.code = e.code
            c.name = e.name
            c.parentID = e.parent.flatMap { categoryIDs[$0] }
            c.defaultLevelRaw = e.level.rawValue
            c.defaultDepartmentID = e.department.flatMap { departmentIDs[$0] }
            c.responseHours = e.response
            c.resolutionHours = e.resolution
            c.workingHours = e.workingHours
            c.autoEscalate = e.autoEscalate
            c.active = true
            try await c.create(on: db)
            categoryIDs[e.code] = c.id
        }
    }
}
