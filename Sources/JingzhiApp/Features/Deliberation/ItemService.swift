import Fluent
import JingzhiCore
import Vapor

/// What adding a consultation item carries.
struct ItemInput: Sendable {
    var title: String?
    var owner: String?
    var deadline: Date?
}

/// An item with how far it got: its notes, and its case's state when it became one.
struct ItemProgress: Sendable {
    let item: ConsultationItem
    let notes: [ItemProgressNote]
    let caseRecord: Case?
    var done: Bool { caseRecord.map { $0.state == .closed } ?? (item.doneAt != nil) }
}

/// The consultation list of a decided topic (协商事项清单): items with owner and deadline, progress notes, an item
/// turned into a case of the loop in one step; the topic moves to evaluation once every item is done.
extension TopicService {
    func addItem(to topic: Topic, _ input: ItemInput, by actor: Actor) async throws -> ConsultationItem {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        guard topic.stage == .implement else {
            throw APIError.conflict("议题形成决议后才能列协商事项 (items follow the decision)", code: "not_decided")
        }
        let i = ConsultationItem()
        i.topicID = topic.id!
        i.nodePath = topic.nodePath
        i.title = try Validate.text(input.title, field: "title", max: 100)!
        i.owner = try Validate.text(input.owner, field: "owner", max: 60)!
        guard let deadline = input.deadline else { throw APIError.missing("deadline") }
        i.deadline = deadline
        i.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await i.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "topic_item", entityID: i.id, nodePath: i.nodePath,
                                      summary: "协商事项「\(i.title)」：\(i.owner)，期限 \(ShanghaiTime.format(deadline, "yyyy-MM-dd"))")
        }
        return i
    }

    func item(_ id: UUID?, of topic: Topic) async throws -> ConsultationItem {
        guard let id, let i = try await ConsultationItem.find(id, on: db), i.topicID == topic.id else { throw APIError.notFound }
        return i
    }

    func note(on item: ConsultationItem, words raw: String?, by actor: Actor) async throws -> ItemProgressNote {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        let n = ItemProgressNote()
        n.itemID = item.id!
        n.words = try Validate.text(raw, field: "words", max: 500)!
        n.actorName = source.actorName
        n.at = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await n.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "note", entity: "topic_item", entityID: item.id, nodePath: item.nodePath,
                                      summary: "协商事项「\(item.title)」进展：\(n.words)")
        }
        return n
    }

    /// Staff mark an item without a case done; an item with a case is done when the case closes.
    func markDone(_ item: ConsultationItem, by actor: Actor) async throws -> ConsultationItem {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        if try await caseLink(of: item) != nil {
            throw APIError.conflict("该事项已转为诉求，诉求办结即完成 (done when its case is closed)", code: "has_case")
        }
        if item.doneAt == nil {
            item.doneAt = now
            let source = source, now = now
            try await db.writeTransaction { tx in
                try await item.save(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "done", entity: "topic_item", entityID: item.id, nodePath: item.nodePath,
                                          summary: "协商事项「\(item.title)」：完成", changes: ["done_at": [nil, ShanghaiTime.format(now)]])
            }
        }
        return item
    }

    /// Makes an item a case of the loop (channel deliberation), linked both ways, in one transaction.
    func makeCase(of item: ConsultationItem, topic: Topic, categoryCode: String?, by actor: Actor) async throws -> Case {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        guard let code = categoryCode, !code.isEmpty else { throw APIError.missing("categoryCode") }
        if try await caseLink(of: item) != nil || item.doneAt != nil {
            throw APIError.conflict("该事项已转为诉求或已完成 (the item already has a case or is done)", code: "has_case")
        }
        let words = "【协商事项】\(topic.title)：\(item.title)（责任单位：\(item.owner)，期限 \(ShanghaiTime.format(item.deadline, "yyyy-MM-dd"))）"
        let input = CaseSubmission(categoryCode: code, nodeID: topic.nodeID, description: words, channel: "deliberation")
        let now = now, source = source, itemID = item.id!, topicID = topic.id!
        return try await db.writeTransaction { tx in
            let (c, _) = try await CaseService(db: tx, now: now, source: source).submit(input, by: actor, idempotencyKey: nil)
            let link = TopicCaseLink()
            link.topicID = topicID
            link.caseID = c.id!
            link.itemID = itemID
            link.at = now
            try await link.create(on: tx)
            return c
        }
    }

    func caseLink(of item: ConsultationItem) async throws -> TopicCaseLink? {
        try await TopicCaseLink.query(on: db).filter(\.$itemID == item.id!).first()
    }

    /// The item a case carries out (the case's side of the link).
    func item(ofCase caseID: UUID) async throws -> ConsultationItem? {
        guard let link = try await TopicCaseLink.query(on: db).filter(\.$caseID == caseID).first(), let id = link.itemID else { return nil }
        return try await ConsultationItem.find(id, on: db)
    }

    func progress(of topic: Topic) async throws -> [ItemProgress] {
        var out: [ItemProgress] = []
        for i in try await ConsultationItem.query(on: db).filter(\.$topicID == topic.id!).sort(\.$createdAt).all() {
            let notes = try await ItemProgressNote.query(on: db).filter(\.$itemID == i.id!).sort(\.$at).all()
            let link = try await caseLink(of: i)
            let c = link == nil ? nil : try await Case.find(link!.caseID, on: db)
            out.append(ItemProgress(item: i, notes: notes, caseRecord: c))
        }
        return out
    }
}
