import Foundation
import JingzhiCore
import Vapor

/// The indicator editor (`/assessment/systems/{id}`): every level's name and weight with its sum, the red and black
/// list lines, per indicator its kind, measure, target, floor, direction and maximum points and a box to retire it,
/// and forms to add a dimension, an item and an indicator (each may go into the one added beside it). Saving writes a
/// new version with the reason and a line of what changed (the weights must still add up: 422 `weights_not_100`).
enum AssessmentEditor {
    static func fmt(_ x: Double?) -> String { x.map { String(format: "%g", $0) } ?? "" }

    static func render(_ req: Request, _ s: AssessmentSystem, _ def: AssessmentDefinition, editable: Bool, error: String? = nil) -> HTML {
        let sums = Dictionary(def.weightSums.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let measures = req.application.assessmentMeasures.measures.filter { $0.kinds.contains(s.unitKind) }
        func sum(_ code: String) -> HTML {
            guard let s = sums[code] else { return .empty }
            return "<span class=\"\(s.ok ? "ok" : "error") weight-sum\" data-sum=\"\(code)\">\(req.t("下级合计", "Below adds up to")) \(String(format: "%g", s.sum))%\(s.ok ? "" : " ≠ 100%")</span>"
        }
        func input(_ code: String, _ w: Double, _ label: String) -> HTML {
            editable ? "<input type=\"number\" step=\"0.1\" min=\"0\" max=\"100\" name=\"w_\(code)\" value=\"\(String(format: "%g", w))\" aria-label=\"\(req.t("权重", "Weight")) \(label)\" class=\"narrow\">%"
                : "\(String(format: "%g", w))%"
        }
        func rule(_ ind: IndicatorDef) -> String {
            switch ind.kind {
            case .computed:
                let m = measures.first { $0.key == ind.measure }.map { req.t($0.zh, $0.en) } ?? (ind.measure ?? "")
                return "\(m) · \(req.t("目标", "target")) \(fmt(ind.target)) · \(req.t("起评", "floor")) \(fmt(ind.floor))\(ind.direction == .lower ? req.t(" · 越低越好", " · lower is better") : "")"
            case .deduction, .bonus: return req.t("最多 \(fmt(ind.maxPoints)) 分", "at most \(fmt(ind.maxPoints)) points")
            case .manual: return req.t("0–100 分，附佐证", "0–100 with evidence")
            case .veto: return req.t("不合格则不能评优", "failing bars excellence")
            }
        }
        func select(_ name: String, _ label: String, _ options: [(String, String)], _ selected: String?) -> HTML {
            let opts = options.map { v, l -> HTML in "<option value=\"\(v)\"\(v == selected ? HTML(" selected") : .empty)>\(l)</option>" }
            return "<label>\(label) <select name=\"\(name)\">\(opts)</select></label>"
        }
        let kinds = IndicatorKind.allCases.map { ($0.rawValue, req.t($0.zh, $0.en)) }
        let measureOptions = [("", req.t("（不适用）", "(none)"))] + measures.map { ($0.key, req.t($0.zh, $0.en)) }
        let directions = [("higher", req.t("越高越好", "higher is better")), ("lower", req.t("越低越好", "lower is better"))]
        func fields(_ p: String, _ ind: IndicatorDef?) -> HTML {
            """
            \(select("k_\(p)", req.t("类型", "Kind"), kinds, ind?.kind.rawValue ?? "manual"))
            \(select("m_\(p)", req.t("数据来源", "Measure"), measureOptions, ind?.measure ?? ""))
            <label>\(req.t("目标值", "Target")) <input type="number" step="any" name="t_\(p)" value="\(fmt(ind?.target))" class="narrow"></label>
            <label>\(req.t("起评值", "Floor")) <input type="number" step="any" name="f_\(p)" value="\(fmt(ind?.floor))" class="narrow"></label>
            \(select("d_\(p)", req.t("方向", "Direction"), directions, ind?.direction.rawValue ?? "higher"))
            <label>\(req.t("最高分值（扣分、加分）", "Max points (deduction, bonus)")) <input type="number" step="any" name="p_\(p)" value="\(fmt(ind?.maxPoints))" class="narrow"></label>
            """
        }
        func name(_ code: String, _ value: String, _ label: String) -> HTML {
            editable ? "<input name=\"n_\(code)\" value=\"\(value)\" maxlength=\"40\" aria-label=\"\(label)\">" : "\(value)"
        }
        var rows: [HTML] = []
        for d in def.dimensions {
            rows.append("<tr class=\"dim\"><th scope=\"row\">\(name(d.code, d.name, req.t("维度名称", "Dimension name")))</th><td>\(input(d.code, d.weight, d.name))</td><td>\(sum(d.code))</td></tr>")
            for i in d.items {
                rows.append("<tr class=\"item\"><td>— \(name(i.code, i.name, req.t("项目名称", "Item name")))</td><td>\(input(i.code, i.weight, i.name))</td><td>\(sum(i.code))</td></tr>")
                for ind in i.indicators {
                    let edit: HTML = editable ? """
                    <details class="indicator-edit"><summary>\(req.t("修改或停用", "Change or retire"))</summary>
                    <label>\(req.t("名称", "Name")) <input name="n_\(ind.code)" value="\(ind.name)" maxlength="80"></label>
                    \(fields(ind.code, ind))
                    \(ind.kind.weighted ? .empty : HTML("<label>\(req.t("改为计分指标时的权重 %", "Weight % if made a scored one")) <input type=\"number\" step=\"0.1\" min=\"0\" max=\"100\" name=\"w_\(ind.code)\" value=\"0\" class=\"narrow\"></label>"))
                    <label><input type="checkbox" name="r_\(ind.code)" value="1"> \(req.t("停用（新版本中移除）", "Retire (left out of the new version)"))</label></details>
                    """ : .empty
                    rows.append("<tr><td>—— \(ind.name) <small class=\"tag\">\(req.t(ind.kind.zh, ind.kind.en))</small></td><td>\(ind.kind.weighted ? input(ind.code, ind.weight, ind.name) : "—")</td><td><small>\(rule(ind))</small>\(edit)</td></tr>")
                }
            }
        }
        func line(_ key: String, _ x: Double) -> HTML {
            editable ? "<input type=\"number\" step=\"0.5\" min=\"0\" max=\"100\" name=\"\(key)\" value=\"\(String(format: "%g", x))\" class=\"narrow\">" : "\(String(format: "%g", x))"
        }
        let table: HTML = """
        <p>\(req.t("维度", "Dimensions")) \(sum(""))  · <label>\(req.t("红榜 ≥", "Red list ≥")) \(line("red_at", def.redAt))</label> · <label>\(req.t("黑榜 <", "Black list <")) \(line("black_below", def.blackBelow))</label></p>
        \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <div class="table-wrap"><table class="list"><thead><tr><th>\(req.t("维度 / 项目 / 指标", "Dimension / item / indicator"))</th><th>\(req.t("权重", "Weight"))</th><th>\(req.t("规则", "Rule"))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        """
        guard editable else { return table }
        let items = def.dimensions.flatMap { d in d.items.map { ($0.code, "\(d.name) · \($0.name)") } } + [("+", req.t("（下面新增的项目）", "(the item added here)"))]
        let dims = def.dimensions.map { ($0.code, $0.name) } + [("+", req.t("（下面新增的维度）", "(the dimension added here)"))]
        func adding(_ p: String, _ weightOf: String) -> HTML {
            """
            <label>\(req.t("编码", "Code")) <input name="\(p)_code" maxlength="40" class="narrow"></label>
            <label>\(req.t("名称", "Name")) <input name="\(p)_name" maxlength="40"></label>
            <label>\(weightOf) <input type="number" step="0.1" min="0" max="100" name="\(p)_weight" class="narrow"></label>
            """
        }
        return """
        <form method="post" action="\(SiteURL.Assessment.system(s.id!).path)">\(Form.csrf(req))\(table)
        <fieldset class="card"><legend>\(req.t("新增维度（可选，须同时新增其项目和指标）", "Add a dimension (optional; add its item and indicator too)"))</legend>
        \(adding("newdim", req.t("权重（占总分 %）", "Weight (% of the total)")))</fieldset>
        <fieldset class="card"><legend>\(req.t("新增项目（可选，须同时新增其指标）", "Add an item (optional; add its indicator too)"))</legend>
        \(select("newitem_dim", req.t("所属维度", "Dimension"), dims, nil))
        \(adding("newitem", req.t("权重（占维度 %）", "Weight (% of the dimension)")))</fieldset>
        <fieldset class="card"><legend>\(req.t("新增指标（可选）", "Add an indicator (optional)"))</legend>
        \(select("new_item", req.t("所属项目", "Item"), items, nil))
        <label>\(req.t("编码", "Code")) <input name="new_code" maxlength="40" class="narrow"></label>
        <label>\(req.t("名称", "Name")) <input name="new_name" maxlength="80"></label>
        <label>\(req.t("权重（占项目 %）", "Weight (% of the item)")) <input type="number" step="0.1" min="0" max="100" name="new_weight" class="narrow"></label>
        \(fields("new", nil))</fieldset>
        \(Form.field(req.t("修改原因（保存为新版本）", "Why (saved as a new version)"), name: "note", required: true))
        <button>\(req.t("保存为新版本", "Save as a new version"))</button></form>
        """
    }

    /// A version's note: the reason given and what changed (at most 12 changes named).
    static func note(_ raw: String?, _ changes: [String]) -> String {
        let why = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty, !changes.isEmpty else { return why }
        return why + "（\(changes.prefix(12).joined(separator: "；"))\(changes.count > 12 ? "……" : "")）"
    }

    /// A field's trimmed text; nil when missing or blank.
    static func formText(_ form: [String: String], _ key: String) -> String? {
        guard let v = form[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    /// A field's number; nil when blank, 422 naming the field when it is not a finite number.
    static func formNumber(_ form: [String: String], _ key: String) throws -> Double? {
        guard let v = formText(form, key) else { return nil }
        guard let x = Double(v), x.isFinite else { throw APIError.invalid(key, "「\(v)」不是数字 (\(key): not a number)") }
        return x
    }

    /// The definition the form asks for, and what changed in words. Bad numbers, kinds or directions are 422 naming the
    /// field; an item left without indicators is refused. The weights and rules are checked by `validate` on saving.
    static func apply(_ form: [String: String], to old: AssessmentDefinition) throws -> (AssessmentDefinition, [String]) {
        var def = old
        var changes: [String] = []
        func text(_ key: String) -> String? { formText(form, key) }
        func number(_ key: String) throws -> Double? { try formNumber(form, key) }
        func weight(_ code: String, _ old: Double) throws -> Double { try number("w_" + code) ?? old }
        /// Name, kind, measure, target, floor, direction and maximum from the fields with suffix `p` over `ind`.
        func edit(_ ind: IndicatorDef, _ p: String) throws -> IndicatorDef {
            var out = ind
            if let n = text("n_" + p) { out.name = String(n.prefix(80)) }
            if let k = text("k_" + p) {
                guard let kind = IndicatorKind(rawValue: k) else { throw APIError.invalid("k_" + p, "指标类型无效 (unknown kind)") }
                out.kind = kind
            }
            if let d = text("d_" + p) {
                guard let dir = IndicatorDirection(rawValue: d) else { throw APIError.invalid("d_" + p, "方向须为越高或越低越好 (direction: higher or lower)") }
                out.direction = dir
            }
            if form["m_" + p] != nil { out.measure = text("m_" + p) }
            if form["t_" + p] != nil { out.target = try number("t_" + p) }
            if form["f_" + p] != nil { out.floor = try number("f_" + p) }
            if form["p_" + p] != nil { out.maxPoints = try number("p_" + p) }
            if out.kind != .computed { out.measure = nil }
            if !out.kind.weighted { out.weight = 0 }
            return out
        }
        for di in def.dimensions.indices {
            let d = def.dimensions[di]
            def.dimensions[di].weight = try weight(d.code, d.weight)
            if let n = text("n_" + d.code), n != d.name {
                def.dimensions[di].name = String(n.prefix(40))
                changes.append("维度「\(d.name)」更名为「\(n.prefix(40))」")
            }
            for ii in d.items.indices {
                let item = d.items[ii]
                def.dimensions[di].items[ii].weight = try weight(item.code, item.weight)
                if let n = text("n_" + item.code), n != item.name {
                    def.dimensions[di].items[ii].name = String(n.prefix(40))
                    changes.append("项目「\(item.name)」更名为「\(n.prefix(40))」")
                }
                var kept: [IndicatorDef] = []
                for ind in item.indicators {
                    if form["r_" + ind.code] != nil {
                        changes.append("停用「\(ind.name)」")
                        continue
                    }
                    var next = try edit(ind, ind.code)
                    if next.kind.weighted { next.weight = try weight(ind.code, ind.weight) }
                    if next.kind != ind.kind { changes.append("「\(ind.name)」改为\(next.kind.zh)") }
                    if next.target != ind.target || next.floor != ind.floor || next.direction != ind.direction || next.measure != ind.measure {
                        changes.append("「\(next.name)」规则：\(next.measure ?? "—") 目标 \(fmt(next.target)) 起评 \(fmt(next.floor))\(next.direction == .lower ? " 越低越好" : "")")
                    }
                    if next.maxPoints != ind.maxPoints { changes.append("「\(next.name)」最高 \(fmt(next.maxPoints)) 分") }
                    if next.name != ind.name { changes.append("「\(ind.name)」更名为「\(next.name)」") }
                    kept.append(next)
                }
                def.dimensions[di].items[ii].indicators = kept
            }
        }
        try addLevels(form, to: &def, &changes)
        if let code = text("new_code") {
            guard let name = text("new_name") else { throw APIError.invalid("new_name", "新增指标须有名称 (the new indicator needs a name)") }
            let at = text("new_item") == "+" ? text("newitem_code") ?? "" : text("new_item") ?? ""
            guard let di = def.dimensions.firstIndex(where: { d in d.items.contains { $0.code == at } }),
                  let ii = def.dimensions[di].items.firstIndex(where: { $0.code == at }) else {
                throw APIError.invalid("new_item", "请选择新增指标所属的项目 (choose the item of the new indicator)")
            }
            var ind = try edit(IndicatorDef(code: code, name: String(name.prefix(80)), kind: .manual, weight: 0), "new")
            if ind.kind.weighted { ind.weight = try number("new_weight") ?? 0 }
            def.dimensions[di].items[ii].indicators.append(ind)
            changes.append("新增「\(ind.name)」(\(ind.kind.zh))")
        }
        for d in def.dimensions where d.items.isEmpty {
            throw APIError.invalid("newitem_code", "维度「\(d.name)」至少要有一个项目 (dimension \(d.code) needs at least one item)")
        }
        for d in def.dimensions {
            for i in d.items where !i.indicators.contains(where: { $0.kind.weighted }) {
                throw APIError.invalid("indicators", "项目「\(i.name)」至少要保留一个计分指标 (item \(i.code) needs at least one scored indicator)")
            }
        }
        // Weights compared by code: a dimension or item added in between shifts no one.
        let levels = Dictionary(old.dimensions.map { ($0.code, $0.weight) } + old.dimensions.flatMap(\.items).map { ($0.code, $0.weight) }, uniquingKeysWith: { a, _ in a })
        for (code, name, w) in def.dimensions.map({ ($0.code, $0.name, $0.weight) }) + def.dimensions.flatMap(\.items).map({ ($0.code, $0.name, $0.weight) }) {
            if let was = levels[code], was != w { changes.append("「\(name)」权重 \(fmt(was))%→\(fmt(w))%") }
        }
        let oldWeights = Dictionary(old.indicators.map { ($0.code, $0.weight) }, uniquingKeysWith: { a, _ in a })
        for i in def.indicators where i.kind.weighted {
            if let w = oldWeights[i.code], w != i.weight { changes.append("「\(i.name)」权重 \(fmt(w))%→\(fmt(i.weight))%") }
        }
        return (def, changes)
    }

    /// The red and black list lines, a new dimension (`newdim_*`) and a new item (`newitem_*`, into a dimension by code,
    /// or `+` for the one added here).
    static func addLevels(_ form: [String: String], to def: inout AssessmentDefinition, _ changes: inout [String]) throws {
        func text(_ key: String) -> String? { formText(form, key) }
        func number(_ key: String) throws -> Double? { try formNumber(form, key) }
        for (key, zh, path) in [("red_at", "红榜", \AssessmentDefinition.redAt), ("black_below", "黑榜", \AssessmentDefinition.blackBelow)] {
            guard let x = try number(key), x != def[keyPath: path] else { continue }
            guard (0...100).contains(x) else { throw APIError.invalid(key, "\(zh)分数线须在 0–100 之间 (\(key): 0–100)") }
            changes.append("\(zh)分数线 \(fmt(def[keyPath: path]))→\(fmt(x))")
            def[keyPath: path] = x
        }
        func level(_ p: String, _ zh: String, _ en: String) throws -> (String, String, Double)? {
            guard let code = text(p + "_code") else { return nil }
            guard code.count <= 40, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw APIError.invalid(p + "_code", "编码须为 1–40 个字母、数字、- 或 _ (code: 1–40 letters, digits, - or _)")
            }
            guard let name = text(p + "_name") else { throw APIError.invalid(p + "_name", "新增\(zh)须有名称 (the new \(en) needs a name)") }
            guard let w = try number(p + "_weight"), w > 0, w <= 100 else {
                throw APIError.invalid(p + "_weight", "新增\(zh)须有 0–100 之间的权重 (the new \(en) needs a weight above 0, at most 100)")
            }
            return (code, String(name.prefix(40)), w)
        }
        if let new = try level("newdim", "维度", "dimension") {
            let (code, name, w) = new
            def.dimensions.append(DimensionDef(code: code, name: name, weight: w, items: []))
            changes.append("新增维度「\(name)」(\(fmt(w))%)")
        }
        if let new = try level("newitem", "项目", "item") {
            let (code, name, w) = new
            let at = text("newitem_dim") == "+" ? text("newdim_code") ?? "" : text("newitem_dim") ?? ""
            guard let di = def.dimensions.firstIndex(where: { $0.code == at }) else {
                throw APIError.invalid("newitem_dim", "请选择新增项目所属的维度 (choose the dimension of the new item)")
            }
            def.dimensions[di].items.append(ItemDef(code: code, name: name, weight: w, indicators: []))
            changes.append("「\(def.dimensions[di].name)」新增项目「\(name)」(\(fmt(w))%)")
        }
    }
}
