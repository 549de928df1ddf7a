import Fluent
import Foundation
import JingzhiCore

/// Finds the place a person typed on the tree: the hotline's place field and Open311's `address_string`.
enum CasePlace {
    enum Match {
        case one(OrgNode)
        case none
        case several
    }

    /// "name（code）" as offered in a list, a bare code, or a name only one place of these kinds in scope has.
    static func exact(_ typed: String, kinds: [NodeKind], scope: DataScope, on db: any Database) async throws -> Match {
        var code = typed
        if let open = typed.lastIndex(where: { $0 == "（" || $0 == "(" }), typed.hasSuffix("）") || typed.hasSuffix(")") {
            code = String(typed[typed.index(after: open)..<typed.index(before: typed.endIndex)])
        }
        let raw = kinds.map(\.rawValue)
        if let node = try await OrgNode.query(on: db).within(scope).filter(\.$code == code).filter(\.$kindRaw ~~ raw).first() { return .one(node) }
        let named = try await OrgNode.query(on: db).within(scope).filter(\.$name == typed).filter(\.$kindRaw ~~ raw).limit(2).all()
        switch named.count {
        case 0: return .none
        case 1: return .one(named[0])
        default: return .several
        }
    }

    /// The kinds a free-text address is matched against; buildings only inside a compound already found.
    static let addressKinds: [NodeKind] = [.street, .community, .grid, .compound]

    /// A free-text address ("谷亭街道滨河社区幸福家园3号楼"): an exact code or name first, then the places whose
    /// name or recorded address the text contains. The deepest wins, preferring one whose ancestors the text
    /// names too; a tie that those cannot break matches nothing at that depth, and a shallower place is tried.
    static func address(_ text: String, scope: DataScope, on db: any Database) async throws -> OrgNode? {
        let typed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !typed.isEmpty else { return nil }
        if case .one(let node) = try await exact(typed, kinds: addressKinds + [.building], scope: scope, on: db) { return node }
        let nodes = try await OrgNode.query(on: db).within(scope).filter(\.$kindRaw ~~ addressKinds.map(\.rawValue)).all()
        let squeezed = squeeze(typed)
        let named = nodes.filter { n in
            let name = squeeze(n.name)
            if name.count >= 2 && squeezed.contains(name) { return true }
            guard let address = n.address.map(squeeze), address.count >= 4 else { return false }
            return squeezed.contains(address) || (squeezed.count >= 4 && address.contains(squeezed))
        }
        let paths = Set(named.map(\.path))
        func score(_ n: OrgNode) -> Int {
            stride(from: PathSegment.width, to: n.path.count, by: PathSegment.width).filter { paths.contains(String(n.path.prefix($0))) }.count
        }
        for depth in Set(named.map(\.depth)).sorted(by: >) {
            let level = named.filter { $0.depth == depth }
            let best = level.map(score).max() ?? 0
            let top = level.filter { score($0) == best }
            guard top.count == 1 else { continue }
            let found = top[0]
            guard found.kind == .compound else { return found }
            return try await building(in: found, text: squeezed, on: db) ?? found
        }
        return nil
    }

    /// The building of a compound the text names ("3号楼"), the longest name winning ("12号楼" over "2号楼").
    private static func building(in compound: OrgNode, text: String, on db: any Database) async throws -> OrgNode? {
        let buildings = try await OrgNode.query(on: db).filter(\.$parentID == compound.id).filter(\.$kindRaw == NodeKind.building.rawValue).all()
        let after = text.range(of: squeeze(compound.name)).map { String(text[$0.upperBound...]) } ?? text
        return buildings.filter { !squeeze($0.name).isEmpty && after.contains(squeeze($0.name)) }.max { $0.name.count < $1.name.count }
    }

    /// Without spaces and full-width/half-width brackets, so "幸福家园 3号楼" finds "幸福家园".
    static func squeeze(_ s: String) -> String {
        String(s.filter { !$0.isWhitespace && !"()（）,，、".contains($0) })
    }
}
