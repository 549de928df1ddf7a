import Fluent
import JingzhiCore
import Vapor

/// Staff pages of the property work: compounds by class and tier, a compound's contracts, history, tasks, inspection
/// and billing; the company's repair queue.
enum PropertyPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Property.Pattern
        staff.get(P.overview, use: overview)
        staff.get(P.compound, use: compound)
        staff.post(P.tier, use: changeTier)
        staff.post(P.inspection, use: inspect)
        staff.post(P.generateBills, use: generate)
        staff.post(P.dunning, use: dun)
        staff.post(P.taskDone, use: taskDone)
        staff.get(P.cases, use: queue)
        FeePages.register(staff)
    }

    static func staffOnly(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard [.admin, .streetStaff, .communityStaff, .gridWorker, .propertyStaff].contains(actor.role) else { throw APIError.forbidden }
        return actor
    }

    /// Runs a form's action; a refusal comes back as the flash message of the page it returns to.
    static func attempt(_ req: Request, back: String, _ body: () async throws -> String) async throws -> Response {
        do {
            req.flash(try await body())
        } catch let e as APIError where e.status.code < 500 {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: back)
    }

    @Sendable static func overview(req: Request) async throws -> HTML {
        let actor = try staffOnly(req)
        let only = try req.query.get(String?.self, at: "withoutCompany") == "1"
        var rows = try await PropertyAPI.directory(req, scope: actor.scope)
        if only { rows = rows.filter(\.withoutCompany) }
        let company = try await PropertyScope.company(of: actor, on: req.db)
        let counts = Dictionary(grouping: rows, by: \.tier).mapValues(\.count)
        let links: [HTML] = [
            "<a href=\"\(SiteURL.Property.cases.path)\">\(req.t("报修投诉队列", "Repair queue"))</a>",
            "<a href=\"\(SiteURL.Property.bills(query: []).path)\">\(req.t("账单与缴费", "Bills and payments"))</a>",
            "<a href=\"\(SiteURL.Property.collection(query: []).path)\">\(req.t("收缴率", "Collection rates"))</a>",
            "<a href=\"\(SiteURL.Property.ratings(month: nil).path)\">\(req.t("物业红黑榜", "Red/black list"))</a>",
            only ? "<a href=\"\(SiteURL.Property.overview(withoutCompany: false).path)\">\(req.t("全部小区", "All compounds"))</a>" : "<a href=\"\(SiteURL.Property.overview(withoutCompany: true).path)\">\(req.t("只看无物业小区", "Only compounds without a company"))</a>",
        ]
        let body: HTML = """
        \(company.map { HTML("<p class=\"card\">\(req.t("本企业", "Your company"))：<b>\($0.name)</b>\(req.t("（", " ("))\(PropertyLabel.kind($0.kind, req.lang))\(req.t("）", ")"))</p>") } ?? .empty)
        <div class="actions">\(links)</div>
        <div class="stats">\(CompoundProfile.tierOrder.map { HomePage.stat(PropertyLabel.tier($0, req.lang), counts[$0] ?? 0) })
        \(HomePage.stat(req.t("无物业小区", "Without a company"), rows.filter(\.withoutCompany).count))</div>
        <div class="table-wrap"><table class="stack"><thead><tr><th>\(req.t("小区", "Compound"))</th><th>\(req.t("类别", "Class"))</th>
        <th>\(req.t("等级", "Tier"))</th><th>\(req.t("物业企业", "Company"))</th><th>\(req.t("服务模式", "Model"))</th></tr></thead>
        <tbody>\(rows.map { r -> HTML in
            """
            <tr><td data-label="\(req.t("小区", "Compound"))"><a href="\(SiteURL.Property.compound(r.id).path)">\(r.name)</a></td>
            <td data-label="\(req.t("类别", "Class"))">\(PropertyLabel.compoundClass(r.compoundClass, req.lang))</td>
            <td data-label="\(req.t("等级", "Tier"))">\(PropertyLabel.tier(r.tier, req.lang))</td>
            <td data-label="\(req.t("物业企业", "Company"))"\(HTML(raw: r.withoutCompany ? " class=\"error\"" : ""))>\(r.companyName ?? req.t("无物业", "none"))</td>
            <td data-label="\(req.t("服务模式", "Model"))">\(PropertyLabel.model(r.model, req.lang))</td></tr>
            """
        })</tbody></table></div>
        """
        return Layout(req: req, title: req.t("物业服务", "Property services"), wide: true).render(body)
    }

    @Sendable static func compound(req: Request) async throws -> HTML {
        let actor = try staffOnly(req)
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        let d = try await PropertyAPI.detail(req, node, scope: actor.scope)
        let manager = [Role.admin, .streetStaff, .communityStaff].contains(actor.role)
        let ownCompany = try await PropertyScope.company(of: actor, on: req.db)?.id
        let billing = actor.role == .admin || (ownCompany != nil && ownCompany == d.compound.companyId)
        let items = billing && d.compound.companyId != nil
            ? try await FeeItem.query(on: req.db).filter(\.$companyID == d.compound.companyId!).filter(\.$active == true).all() : []
        let checklist = manager ? try await InspectionItem.query(on: req.db).filter(\.$active == true).sort(\.$code).all() : []
        let month = ShanghaiTime.currentMonth(req.now)
        var sections: [HTML] = ["""
        <div class="card"><dl class="props">
          <dt>\(req.t("类别", "Class"))</dt><dd>\(PropertyLabel.compoundClass(d.compound.compoundClass, req.lang))</dd>
          <dt>\(req.t("等级", "Tier"))</dt><dd>\(PropertyLabel.tier(d.compound.tier, req.lang))</dd>
          <dt>\(req.t("物业企业", "Company"))</dt><dd>\(d.compound.companyName ?? req.t("无物业（待兜底）", "none"))</dd>
          <dt>\(req.t("住户", "Households"))</dt><dd>\(d.households)</dd>
        </dl></div>
        <h2>\(req.t("服务合同", "Contracts"))</h2>
        <ul class="tree">\(d.contracts.isEmpty ? ["<li class=\"muted\">\(req.t("无", "None"))</li>"] : d.contracts.map { c -> HTML in
            "<li>\(PropertyLabel.model(c.model, req.lang)) \(c.startDay)\(req.t("～", " – "))\(c.endDay)\(req.t("，", ", "))\(Money.yuan(c.feeFenPerM2))\(req.t("元/㎡·月", " yuan/m²·month"))\(req.t("，", ", "))\((ContractState(rawValue: c.status) ?? .active).label(req.lang))</li>"
        })</ul>
        <h2>\(req.t("定级记录", "Tier history"))</h2>
        <ul class="tree">\(d.tierHistory.isEmpty ? ["<li class=\"muted\">\(req.t("无", "None"))</li>"] : d.tierHistory.map { h -> HTML in
            "<li><span>\(PropertyLabel.tier(h.fromTier, req.lang)) → <b>\(PropertyLabel.tier(h.toTier, req.lang))</b>：\(h.reason)</span><span class=\"muted\">\(h.actorName) \(ShanghaiTime.format(h.at))</span></li>"
        })</ul>
        <h2>\(req.t("提升任务", "Improvement tasks"))</h2>
        <ul class="tree">\(d.tasks.isEmpty ? ["<li class=\"muted\">\(req.t("无", "None"))</li>"] : d.tasks.map { t -> HTML in
            let state: HTML = t.doneAt != nil ? "✔ \(t.doneBy ?? "")" : (t.overdue ? "<b class=\"error\">\(req.t("已超期", "overdue"))</b>" : "\(req.t("进行中", "open"))")
            let button: HTML = t.doneAt == nil ? "<form method=\"post\" action=\"\(SiteURL.Property.taskDone(t.id).path)\" class=\"inline\">\(Form.csrf(req))<button class=\"link\">\(req.t("完成", "Done"))</button></form>" : .empty
            return "<li><span>\(t.title)\(req.t("（", " ("))\(t.owner)\(req.t("，", ", "))\(t.dueDay)\(req.t("）", ")"))</span><span>\(state) \(button)</span></li>"
        })</ul>
        """]
        if manager {
            sections.append("""
            <form method="post" action="\(SiteURL.Property.tier(node.id!).path)" class="card">\(Form.csrf(req))<h2>\(req.t("调整等级", "Change tier"))</h2>
            \(Form.select(req.t("新等级", "New tier"), name: "tier", options: CompoundProfile.tierOrder.map { ($0, PropertyLabel.tier($0, req.lang)) }, selected: nil))
            \(Form.textarea(req.t("理由（必填）", "Reason (required)"), name: "reason"))
            \(Form.field(req.t("提升任务", "Improvement task"), name: "taskTitle"))
            \(Form.field(req.t("责任人", "Owner"), name: "taskOwner"))
            \(Form.field(req.t("完成期限", "Deadline"), name: "taskDue", type: "date"))
            <button>\(req.t("保存", "Save"))</button></form>
            <form method="post" action="\(SiteURL.Property.inspection(node.id!).path)" class="card">\(Form.csrf(req))<h2>\(req.t("物业服务检查", "Inspection"))</h2>
            \(Form.field(req.t("月份", "Month"), name: "month", value: month, type: "month"))
            \(checklist.map { Form.field("\($0.name)\(req.t("（", " ("))0–\($0.maxPoints)\(req.t("）", ")"))", name: "score_" + $0.code, type: "number", attrs: "min=\"0\" max=\"\($0.maxPoints)\" step=\"1\"") })
            <button>\(req.t("提交检查结果", "Save inspection"))</button></form>
            """)
        }
        if billing && !items.isEmpty {
            sections.append("""
            <form method="post" action="\(SiteURL.Property.generateBills(node.id!).path)" class="card">\(Form.csrf(req))<h2>\(req.t("生成账单", "Bill the compound"))</h2>
            \(Form.select(req.t("收费项目", "Fee item"), name: "feeItemId", options: items.map { ($0.id!.uuidString, "\($0.name)\(req.t("（", " ("))\(Money.yuan($0.unitFen))\(req.t("元，", " yuan, "))\(FeeItem.basisLabel($0.basis, req.lang))\(req.t("）", ")"))") }, selected: nil))
            \(Form.field(req.t("账期", "Period"), name: "period", value: month, type: "month"))
            <button>\(req.t("为全部住户生成", "Bill every household"))</button></form>
            <div class="actions"><a href="\(SiteURL.Property.bills(query: [("compound", node.id!.uuidString)]).path)">\(req.t("本小区账单", "Bills of this compound"))</a>
            <form method="post" action="\(SiteURL.Property.dunning(node.id!).path)" class="inline">\(Form.csrf(req))<button>\(req.t("向欠费户发催缴通知", "Send dunning notices"))</button></form></div>
            """)
        }
        return Layout(req: req, title: node.name, wide: true).render(HTML(sections))
    }

    struct TierForm: Content { var tier: String?; var reason: String?; var taskTitle: String?; var taskOwner: String?; var taskDue: String? }

    @Sendable static func changeTier(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        let f = try req.content.decode(TierForm.self)
        return try await attempt(req, back: SiteURL.Property.compound(node.id!).path) {
            try PropertyPolicy.requireCompoundManager(actor)
            let tasks = (f.taskTitle ?? "").isEmpty ? [] : [CompanyService.TaskInput(title: f.taskTitle, owner: f.taskOwner, dueDay: f.taskDue)]
            _ = try await CompanyService(req: req).changeTier(node, to: f.tier, reason: f.reason, tasks: tasks, actor: actor)
            return req.t("已调整等级", "Tier changed")
        }
    }

    @Sendable static func inspect(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        let fields = try req.content.decode([String: String].self)
        return try await attempt(req, back: SiteURL.Property.compound(node.id!).path) {
            try PropertyPolicy.requireCompoundManager(actor)
            var scores: [String: Double] = [:]
            for (k, v) in fields where k.hasPrefix("score_") && !v.isEmpty {
                guard let n = Double(v) else { throw APIError.invalid(k, "得分须为整数 (points must be whole numbers)") }
                scores[String(k.dropFirst(6))] = n
            }
            let i = try await InspectionService(req: req).record(compound: node, month: fields["month"], scores: scores, note: nil, by: actor)
            return req.t("已记录检查结果：\(i.total)/\(i.maxTotal) 分", "Inspection saved: \(i.total)/\(i.maxTotal)")
        }
    }

    struct GenerateForm: Content { var feeItemId: String?; var period: String? }

    @Sendable static func generate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        let f = try req.content.decode(GenerateForm.self)
        return try await attempt(req, back: SiteURL.Property.compound(node.id!).path) {
            guard let item = try await FeeItem.find(f.feeItemId.flatMap(UUID.init(uuidString:)), on: req.db) else { throw APIError.missing("feeItemId") }
            try await PropertyPolicy.requireBilling(actor, company: item.companyID, on: req.db)
            let r = try await FeeService(req: req).generate(compound: node, item: item, period: f.period)
            return req.t("新开账单 \(r.created) 户（已有 \(r.alreadyBilled) 户，不适用 \(r.notApplicable) 户），合计 \(Money.yuan(r.totalFen)) 元",
                            "\(r.created) new bills (\(r.alreadyBilled) already billed, \(r.notApplicable) not applicable), \(Money.yuan(r.totalFen)) yuan")
        }
    }

    @Sendable static func dun(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        return try await attempt(req, back: SiteURL.Property.compound(node.id!).path) {
            guard let contract = try await PropertyScope.contract(of: node.id!, on: req.db, now: req.now), let id = contract.companyID,
                  let company = try await PropertyCompany.find(id, on: req.db) else { throw APIError.conflict("该小区没有物业企业 (no company)") }
            try await PropertyPolicy.requireBilling(actor, company: id, on: req.db)
            let sent = try await FeeReports(db: req.db, now: req.now).dun(compound: node, company: company, by: actor, source: req.auditSource)
            return req.t("已向 \(sent) 户发出催缴通知", "\(sent) notices sent")
        }
    }

    @Sendable static func taskDone(req: Request) async throws -> Response {
        let actor = try staffOnly(req)
        let task = try await ImprovementTask.find(try req.idParameter(), within: actor.scope, on: req.db)
        return try await attempt(req, back: SiteURL.Property.compound(task.compoundID).path) {
            guard actor.role != .gridWorker else { throw APIError.forbidden }
            try await CompanyService(req: req).completeTask(task, by: actor)
            return req.t("任务已完成", "Task done")
        }
    }

    /// Open cases handled at the company's compounds (handler level 物业企业), nearest deadline first.
    @Sendable static func queue(req: Request) async throws -> HTML {
        let actor = try staffOnly(req)
        let rows = try await Case.query(on: req.db).visible(to: actor).filter(\.$handlerLevelRaw == HandlerLevel.property.rawValue)
            .filter(\.$stateRaw !~ [CaseState.closed, .merged, .rejected].map(\.rawValue)).sort(\.$resolutionDueAt).limit(200).all()
        let names = Dictionary(try await OrgNode.query(on: req.db).filter(\.$id ~~ Set(rows.map(\.nodeID))).all().map { ($0.id!, $0.name) }) { a, _ in a }
        let categories = Dictionary(try await CaseCategory.query(on: req.db).all().map { ($0.code, $0.name) }) { a, _ in a }
        return Layout(req: req, title: req.t("物业报修队列", "Repair queue"), wide: true).render("""
        <div class="table-wrap"><table class="stack"><thead><tr><th>\(req.t("编号", "Number"))</th><th>\(req.t("小区", "Compound"))</th>
        <th>\(req.t("类别", "Category"))</th><th>\(req.t("内容", "What"))</th><th>\(req.t("状态", "State"))</th><th>\(req.t("办结时限", "Due"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("没有待办报修", "Nothing open"))</td></tr>"] : rows.map { c -> HTML in
            let overdue = c.resolutionDueAt.map { $0 < req.now } ?? false
            return """
            <tr><td data-label="\(req.t("编号", "Number"))"><a href="\(SiteURL.Cases.detail(c.id!).path)">\(c.number)</a></td><td data-label="\(req.t("小区", "Compound"))">\(names[c.nodeID] ?? "")</td>
            <td data-label="\(req.t("类别", "Category"))">\(categories[c.categoryCode] ?? c.categoryCode)</td><td data-label="\(req.t("内容", "What"))">\(String(c.description.prefix(40)))</td>
            <td data-label="\(req.t("状态", "State"))">\(req.lang.t(c.state.zh, c.state.en))</td>
            <td data-label="\(req.t("办结时限", "Due"))"\(HTML(raw: overdue ? " class=\"error\"" : ""))>\(c.resolutionDueAt.map { ShanghaiTime.format($0) } ?? "")</td></tr>
            """
        })</tbody></table></div>
        """)
    }
}
