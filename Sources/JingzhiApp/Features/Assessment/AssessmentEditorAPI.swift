import Foundation
import JingzhiCore
import Vapor

/// `POST /api/v1/assessment/systems/{id}/versions`: what the editor page does, as JSON — rename dimensions, items and
/// indicators, set weights and the red and black list lines, change or retire indicators, add a dimension, an item and
/// an indicator — saved as a new version of the system (rounds already open keep the definition they opened with).
/// County admins only (403); weights not adding up to 100 % at a level are 422 `weights_not_100`.
enum AssessmentEditorAPI {
    struct Rule: Content {
        var kind: String?
        var measure: String?
        var target: Double?
        var floor: Double?
        var direction: String?
        var maxPoints: Double?
    }

    struct Level: Content {
        /// For an item: the dimension's code; for an indicator: the item's code (either may be one added in the same call).
        var under: String?
        var code: String?
        var name: String?
        var weight: Double?
        var rule: Rule?
    }

    struct Body: Content {
        var note: String?
        var names: [String: String]?
        var weights: [String: Double]?
        var rules: [String: Rule]?
        var retire: [String]?
        var redAt: Double?
        var blackBelow: Double?
        var addDimension: Level?
        var addItem: Level?
        var addIndicator: Level?

        /// The editor form's fields for the same edit.
        var form: [String: String] {
            var f: [String: String] = [:]
            func num(_ x: Double?) -> String? { x.map { String($0) } }
            func rule(_ p: String, _ r: Rule?) {
                guard let r else { return }
                f["k_" + p] = r.kind
                if let m = r.measure { f["m_" + p] = m }
                if let t = r.target { f["t_" + p] = String(t) }
                if let x = r.floor { f["f_" + p] = String(x) }
                f["d_" + p] = r.direction
                if let x = r.maxPoints { f["p_" + p] = String(x) }
            }
            for (code, name) in names ?? [:] { f["n_" + code] = name }
            for (code, w) in weights ?? [:] { f["w_" + code] = String(w) }
            for (code, r) in rules ?? [:] { rule(code, r) }
            for code in retire ?? [] { f["r_" + code] = "1" }
            f["red_at"] = num(redAt)
            f["black_below"] = num(blackBelow)
            for (p, level) in [("newdim", addDimension), ("newitem", addItem)] {
                guard let level else { continue }
                f[p + "_code"] = level.code ?? ""
                f[p + "_name"] = level.name
                f[p + "_weight"] = num(level.weight)
            }
            f["newitem_dim"] = addItem?.under
            if let i = addIndicator {
                f["new_code"] = i.code ?? ""
                f["new_name"] = i.name
                f["new_item"] = i.under
                f["new_weight"] = num(i.weight)
                rule("new", i.rule ?? Rule(kind: "manual"))
            }
            return f
        }
    }

    static func register(_ a: any RoutesBuilder) {
        a.post("systems", ":id", "versions", use: edit)
    }

    @Sendable static func edit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = AssessmentService(req: req)
        let s = try await service.system(try req.idParameter(), for: actor)
        try AssessmentService.requireCounty(actor)
        let b = try req.decodeJSON(Body.self)
        let (def, changes) = try AssessmentEditor.apply(b.form, to: s.definition)
        let saved = try await service.saveSystem(code: s.code, name: s.name, unitKind: s.unitKind, definition: def,
                                                 note: AssessmentEditor.note(b.note, changes), nodePath: s.nodePath, by: actor)
        return try await AssessmentSystemDTO(saved, full: true).encodeResponse(status: .created, for: req)
    }
}
