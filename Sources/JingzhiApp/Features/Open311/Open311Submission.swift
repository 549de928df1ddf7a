import Fluent
import Foundation
import JingzhiCore
import Vapor

/// The fields of a `POST requests` call, from the query string and a form-encoded or JSON body (the body wins).
/// `attribute[CODE]=v` and `attribute[CODE][]=v` (multi-value) are gathered by code.
struct Open311Fields {
    var values: [String: String] = [:]
    var attributes: [String: [String]] = [:]

    subscript(_ name: String) -> String? {
        values[name].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    static func read(_ req: Request) throws -> Open311Fields {
        var fields = Open311Fields()
        if let query = req.url.query { fields.addForm(query) }
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { return fields }
        let data = Data(buffer: buffer)
        let type = req.headers.contentType
        if type?.type == "application" && type?.subType == "json" {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw APIError(.badRequest, code: "malformed_body", "请求体不是有效的 JSON 对象 (malformed JSON body)")
            }
            fields.addJSON(object)
        } else if type == nil || (type?.type == "application" && type?.subType == "x-www-form-urlencoded") {
            guard let text = String(data: data, encoding: .utf8) else {
                throw APIError(.badRequest, code: "malformed_body", "请求体须为 UTF-8 编码 (body must be UTF-8)")
            }
            fields.addForm(text)
        } else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           "请以 application/x-www-form-urlencoded 或 application/json 提交 (send form-encoded or JSON fields)")
        }
        return fields
    }

    mutating func addForm(_ text: String) {
        var seenAttributes: Set<String> = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            let key = decode(parts[0]), value = parts.count > 1 ? decode(parts[1]) : ""
            if let code = Self.attributeCode(key) {
                // A later source (the body) replaces what an earlier one (the query) said about the same attribute.
                if seenAttributes.insert(code).inserted { attributes[code] = [] }
                attributes[code, default: []].append(value)
            } else {
                values[key] = value
            }
        }
    }

    mutating func addJSON(_ object: [String: Any]) {
        func text(_ v: Any) -> String? {
            switch v {
            case let s as String: s
            case let n as NSNumber: n.stringValue
            default: nil
            }
        }
        func texts(_ v: Any) -> [String] { (v as? [Any])?.compactMap(text) ?? text(v).map { [$0] } ?? [] }
        for (key, v) in object {
            if key == "attribute", let nested = v as? [String: Any] {
                for (code, answer) in nested { attributes[code] = texts(answer) }
            } else if let code = Self.attributeCode(key) {
                attributes[code] = texts(v)
            } else if let s = text(v) {
                values[key] = s
            }
        }
    }

    /// `attribute[CODE]` or `attribute[CODE][]` → `CODE`.
    static func attributeCode(_ key: String) -> String? {
        var k = Substring(key)
        guard k.hasPrefix("attribute[") else { return nil }
        if k.hasSuffix("[]") { k = k.dropLast(2) }
        guard k.hasSuffix("]") else { return nil }
        let code = k.dropFirst("attribute[".count).dropLast()
        return code.isEmpty || code.contains("[") || code.contains("]") ? nil : String(code)
    }
}

/// Where a submission is: a node of the tree and, when sent, the coordinates. `unverified`: the address matched no
/// place (or only a street), so the case waits at the key's area for a dispatcher to place it (地点待核实).
struct Open311Location {
    let node: OrgNode
    let latitude: Double?
    let longitude: Double?
    var unverified = false

    static let allowedKinds: Set<NodeKind> = [.grid, .microGrid, .compound, .building, .unit]

    /// GeoReport v2 takes any one of `lat`+`long`, `address_string` or `address_id`. `address_id` (a node code:
    /// compound, building, grid…) wins; then `lat`/`long` pick the grid whose boundary contains the point; then
    /// `address_string` is looked up on the tree within the key's area. A point outside every grid with an
    /// address, or an address that matches nothing, is accepted at the key's area, unverified.
    static func resolve(_ f: Open311Fields, area: OrgNode, on db: any Database) async throws -> Open311Location {
        let lat = try coordinate(f["lat"], field: "lat", range: -90...90)
        let lon = try coordinate(f["long"], field: "long", range: -180...180)
        if (lat == nil) != (lon == nil) {
            throw invalid("lat 和 long 须同时提供 (send both lat and long)")
        }
        if let code = f["address_id"] {
            guard let node = try await OrgNode.query(on: db).filter(\.$code == code).first() else {
                throw invalid("address_id \(code) 不是已知的地点编码 (address_id \(code) is not a known location code)")
            }
            guard allowedKinds.contains(node.kind) else {
                throw invalid("address_id \(code) 是\(node.kind.zh)，请使用网格、小区、楼栋或单元的编码 (address_id must name a grid, compound, building or unit, not a \(node.kind.rawValue))")
            }
            return Open311Location(node: node, latitude: lat, longitude: lon)
        }
        if let lat, let lon, let grid = try await GridLocator.grid(latitude: lat, longitude: lon, on: db) {
            return Open311Location(node: grid, latitude: lat, longitude: lon)
        }
        if let address = f["address_string"] {
            let scope = DataScope(rootPath: area.path)
            if let node = try await CasePlace.address(address, scope: scope, on: db), node.kind != .street, node.kind != .county {
                return Open311Location(node: node, latitude: lat, longitude: lon)
            }
            return Open311Location(node: area, latitude: lat, longitude: lon, unverified: true)
        }
        if let lat, let lon {
            throw invalid("坐标 (\(lat), \(lon)) 不在任何网格范围内，请改用 address_id 或 address_string (the point lat=\(lat) long=\(lon) lies outside every grid we serve; send address_id or address_string instead)")
        }
        throw invalid("缺少位置：请提供 lat/long、address_string 或 address_id (location required: send lat and long, address_string or address_id)")
    }

    private static func coordinate(_ raw: String?, field: String, range: ClosedRange<Double>) throws -> Double? {
        guard let raw else { return nil }
        guard let v = Double(raw), v.isFinite, range.contains(v) else {
            throw APIError.invalid(field, "\(field) 须为 \(range.lowerBound) 到 \(range.upperBound) 之间的数字 (\(field) must be a number in \(range))")
        }
        return v
    }

    private static func invalid(_ message: String) -> APIError { APIError(.badRequest, code: "bad_location", message, field: "location") }
}

extension Open311Fields {
    /// The reporter's name from `first_name`/`last_name`: Chinese names family name first without a space
    /// (张 + 三 → 张三), others given name first (John Smith).
    var reporterName: String? {
        let first = self["first_name"], last = self["last_name"]
        let parts = [first, last].compactMap { $0 }
        guard !parts.isEmpty else { return nil }
        let cjk = parts.joined().unicodeScalars.contains { (0x3400...0x9FFF).contains($0.value) || (0x20000...0x2FFFF).contains($0.value) }
        return cjk ? (last ?? "") + (first ?? "") : parts.joined(separator: " ")
    }
}
