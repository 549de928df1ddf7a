import Foundation
import JingzhiCore

/// An extra question a service asks on submission (GeoReport v2 "service definition" attribute).
struct Open311Attribute: Sendable {
    enum DataType: String, Sendable {
        case string, number, datetime, text, singlevaluelist, multivaluelist
    }

    let code: String
    let datatype: DataType
    let required: Bool
    let description: String
    var datatypeDescription: String? = nil
    let order: Int
    /// Allowed answers (key, label) for the list types.
    var values: [(key: String, name: String)] = []

    var value: Open311Value {
        .object([
            ("variable", .bool(true)),
            ("code", .text(code)),
            ("datatype", .text(datatype.rawValue)),
            ("required", .bool(required)),
            ("datatype_description", .text(datatypeDescription)),
            ("order", .int(order)),
            ("description", .text(description)),
            ("values", .list(item: "value", values.map { .object([("key", .text($0.key)), ("name", .text($0.name))]) })),
        ])
    }

    /// Checks the answers to this question and returns the line added to the case description, if any.
    func answer(_ raw: [String]?) throws -> String? {
        let given = (raw ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard !given.isEmpty else {
            if required { throw APIError.invalid("attribute[\(code)]", "缺少必填项 attribute[\(code)]（\(description)） (attribute[\(code)] is required)") }
            return nil
        }
        func bad(_ why: String) -> APIError { APIError.invalid("attribute[\(code)]", "attribute[\(code)] \(why)") }
        let shown: String
        switch datatype {
        case .string, .text:
            guard given.count == 1 else { throw bad("只能有一个值 (takes one value)") }
            guard given[0].count <= (datatype == .string ? 100 : 500) else { throw bad("过长 (too long)") }
            shown = given[0]
        case .number:
            guard given.count == 1, Double(given[0]) != nil else { throw bad("须为数字 (must be a number)") }
            shown = given[0]
        case .datetime:
            guard given.count == 1, let date = W3CDateTime.parse(given[0]) else { throw bad("须为 W3C 日期时间 (must be a W3C datetime)") }
            shown = W3CDateTime.format(date)
        case .singlevaluelist, .multivaluelist:
            if datatype == .singlevaluelist && given.count > 1 { throw bad("只能选一项 (takes one value)") }
            let names = try given.map { key in
                guard let v = values.first(where: { $0.key == key }) else {
                    throw bad("的值 \(key) 无效，可选 \(values.map(\.key).joined(separator: ", ")) (unknown value)")
                }
                return v.name
            }
            shown = names.joined(separator: "、")
        }
        return "【\(description)】\(shown)"
    }
}

/// The questions each service asks, by category code. Most categories ask none (关爱探访 among them):
/// their definition lists `attributes: []` and the service list says `metadata: false`.
enum Open311Attributes {
    static let byCategory: [String: [Open311Attribute]] = [
        "dianti": [
            Open311Attribute(code: "stopped", datatype: .singlevaluelist, required: true, description: "电梯是否已停运",
                             order: 1, values: [("yes", "已停运"), ("no", "仍在运行")]),
            Open311Attribute(code: "location", datatype: .string, required: false, description: "楼栋、单元及电梯编号",
                             datatypeDescription: "例如：3号楼2单元 东侧电梯", order: 2),
        ],
        "zaoyin": [
            Open311Attribute(code: "period", datatype: .singlevaluelist, required: false, description: "噪音主要出现的时段",
                             order: 1, values: [("day", "白天"), ("night", "夜间（22:00–次日6:00）")]),
        ],
    ]

    static func of(_ categoryCode: String) -> [Open311Attribute] {
        (byCategory[categoryCode] ?? []).sorted { $0.order < $1.order }
    }
}
