import Fluent
import Foundation
import JingzhiCore

/// Our case categories as GeoReport v2 services.
enum Open311Services {
    /// Active categories, each family together: the parent first, then its children, by code.
    static func active(on db: any Database) async throws -> [(category: CaseCategory, parent: CaseCategory?)] {
        let all = try await CaseCategory.query(on: db).filter(\.$active == true).all()
        let byID = Dictionary(uniqueKeysWithValues: all.compactMap { c in c.id.map { ($0, c) } })
        let rows = all.map { c in (category: c, parent: c.parentID.flatMap { byID[$0] }) }
        return rows.sorted { a, b in
            let fa = a.parent?.code ?? a.category.code, fb = b.parent?.code ?? b.category.code
            if fa != fb { return fa < fb }
            if (a.parent == nil) != (b.parent == nil) { return a.parent == nil }
            return a.category.code < b.category.code
        }
    }

    static func find(_ code: String, on db: any Database) async throws -> CaseCategory? {
        try await CaseCategory.query(on: db).filter(\.$code == code).filter(\.$active == true).first()
    }

    static func unknown(_ code: String) -> APIError {
        APIError(.notFound, code: "unknown_service", "未知服务类别 service_code \(code) (service_code \(code) not found)", field: "service_code")
    }

    /// An entry of `services.json`: group is the parent category's name (a top-level category is its own group).
    static func service(_ c: CaseCategory, parent: CaseCategory?) -> Open311Value {
        let attributes = Open311Attributes.of(c.code)
        let clock = c.workingHours ? "工作时间" : "自然时间"
        let description = "\(c.name)：默认由\(c.defaultLevel.zh)办理，\(c.responseHours) 小时内响应、\(c.resolutionHours) 小时内办结（按\(clock)计） "
            + "(handled by the \(c.defaultLevel.rawValue) level by default; response within \(c.responseHours) h, resolution within \(c.resolutionHours) h, "
            + (c.workingHours ? "working hours)" : "calendar hours)")
        let keywords = [c.name, parent?.name, c.code].compactMap { $0 }.joined(separator: ", ")
        return .object([
            ("service_code", .text(c.code)),
            ("service_name", .text(c.name)),
            ("description", .text(description)),
            ("metadata", .bool(!attributes.isEmpty)),
            ("type", .text("realtime")),
            ("keywords", .text(keywords)),
            ("group", .text(parent?.name ?? c.name)),
        ])
    }

    static func definition(_ c: CaseCategory) -> Open311Value {
        .object([
            ("service_code", .text(c.code)),
            ("attributes", .list(item: "attribute", Open311Attributes.of(c.code).map(\.value))),
        ])
    }
}

/// Our cases as GeoReport v2 service requests. Everything a list needs is loaded in a few batched queries.
/// Nothing about the reporter (name, phone) is ever part of it: these answers are public.
struct Open311Requests {
    /// Channels where the reporter wrote the description themselves, for the public to read.
    static let publicChannels: Set<String> = ["web", "qr", "open311", "api"]

    let db: any Database

    static let chunk = 500

    func values(for cases: [Case]) async throws -> [Open311Value] {
        guard !cases.isEmpty else { return [] }
        let categories = try await CaseCategory.query(on: db).all()
        let categoryNames = Dictionary(categories.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })

        // Every node on the way from the root to each case's node: the address chain.
        let width = PathSegment.width
        var prefixes = Set<String>()
        for c in cases {
            for end in stride(from: width, through: c.nodePath.count, by: width) { prefixes.insert(String(c.nodePath.prefix(end))) }
        }
        var nodesByPath: [String: OrgNode] = [:]
        for part in Array(prefixes).chunked(Self.chunk) {
            for n in try await OrgNode.query(on: db).filter(\.$path ~~ part).all() { nodesByPath[n.path] = n }
        }
        // Handler units by name; a grid's name ("第一网格") only means something with its community's in front.
        var handlers = Dictionary(nodesByPath.values.compactMap { n in n.id.map { ($0, n) } }, uniquingKeysWith: { a, _ in a })
        let missingHandlers = Set(cases.compactMap(\.handlerNodeID)).subtracting(handlers.keys)
        for part in Array(missingHandlers).chunked(Self.chunk) {
            for n in try await OrgNode.query(on: db).filter(\.$id ~~ part).all() { handlers[n.id!] = n }
        }
        var communityNames: [String: String] = [:]
        let gridHandlers = handlers.values.filter { $0.kind == .grid || $0.kind == .microGrid }
        var above = Set<String>()
        for n in gridHandlers {
            for end in stride(from: width, to: n.path.count, by: width) { above.insert(String(n.path.prefix(end))) }
        }
        for part in Array(above.subtracting(nodesByPath.keys)).chunked(Self.chunk) {
            for n in try await OrgNode.query(on: db).filter(\.$path ~~ part).all() { nodesByPath[n.path] = n }
        }
        for n in gridHandlers {
            let community = stride(from: width, through: n.path.count, by: width).compactMap { nodesByPath[String(n.path.prefix($0))] }
                .last { $0.kind == .community }
            communityNames[n.path] = community?.name
        }
        func handlerName(_ id: UUID) -> String? {
            guard let n = handlers[id] else { return nil }
            return communityNames[n.path].map { "\($0) \(n.name)" } ?? n.name
        }
        var departmentNames: [UUID: String] = [:]
        let departmentIDs = Set(cases.compactMap(\.handlerDepartmentID))
        for part in Array(departmentIDs).chunked(Self.chunk) {
            for d in try await Department.query(on: db).filter(\.$id ~~ part).all() { departmentNames[d.id!] = d.name }
        }

        // The latest public reply (答复, or the reason given for not accepting) in each case's history; staff notes and
        // residents' ratings stay inside.
        var notes: [UUID: String] = [:]
        for part in cases.compactMap(\.id).chunked(Self.chunk) {
            let events = try await CaseEvent.query(on: db).filter(\.$caseID ~~ part).filter(\.$note != nil)
                .filter(\.$action ~~ CaseAccess.publicNoteActions.map(\.rawValue)).sort(\.$at).all()
            for e in events {
                if let note = e.note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty { notes[e.caseID] = note }
            }
        }

        return cases.map { c in
            // The place down to the compound, never the building or the unit of a household.
            var chain = stride(from: width, through: c.nodePath.count, by: width).compactMap { nodesByPath[String(c.nodePath.prefix($0))] }
            if let compound = chain.firstIndex(where: { $0.kind == .compound }) { chain = Array(chain[...compound]) }
            // What a resident wrote for the public is public; what staff typed on a visit, a patrol or a call is not.
            let description = Self.publicChannels.contains(c.channel) ? c.description : (categoryNames[c.categoryCode] ?? c.categoryCode)
            let agency = c.handlerDepartmentID.flatMap { departmentNames[$0] } ?? c.handlerNodeID.flatMap(handlerName)
            return .object([
                ("service_request_id", .text(c.number)),
                ("status", .text(c.state.isOpen ? "open" : "closed")),
                ("status_notes", .text(c.id.flatMap { notes[$0] })),
                ("service_name", .text(categoryNames[c.categoryCode] ?? c.categoryCode)),
                ("service_code", .text(c.categoryCode)),
                ("description", .text(description)),
                ("agency_responsible", .text(agency)),
                ("service_notice", .text("\(c.state.zh) (\(c.state.en))")),
                ("requested_datetime", .text(c.createdAt.map(W3CDateTime.format))),
                ("updated_datetime", .text((c.updatedAt ?? c.createdAt).map(W3CDateTime.format))),
                ("expected_datetime", .text(c.resolutionDueAt.map(W3CDateTime.format))),
                ("address", .text(chain.isEmpty ? nil : chain.map(\.name).joined(separator: " "))),
                ("address_id", .text(chain.last?.code)),
                ("zipcode", .text(nil)),
                ("lat", .number(c.latitude)),
                ("long", .number(c.longitude)),
                ("media_url", .text(Self.mediaURL(c))),
            ])
        }
    }
}

extension Open311Requests {
    /// The `media_url` an Open311 client sent, which the case keeps as its 【图片】 line.
    static func mediaURL(_ c: Case) -> String? {
        guard c.channel == "open311" else { return nil }
        return c.description.split(separator: "\n").first { $0.hasPrefix("【图片】") }.map { String($0.dropFirst("【图片】".count)) }
    }
}

