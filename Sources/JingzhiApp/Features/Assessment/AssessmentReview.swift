import Fluent
import JingzhiCore
import Vapor

/// The review steps of one unit's result, each a move of `AssessmentLifecycles.result`: the unit scores its
/// hand-scored indicators with evidence and submits; the reviewer accepts, adjusts a score with a reason or returns
/// it; the county approves or refuses bonus points.
extension AssessmentService {
    static let maxEvidenceBytes = 5 * 1024 * 1024

    /// A picture or a PDF, by its bytes; nil for anything else.
    static func sniff(_ data: Data) -> String? {
        if let image = CasePhotos.sniff(data) { return image }
        return data.prefix(5).elementsEqual(Array("%PDF-".utf8)) ? "application/pdf" : nil
    }

    /// Checks a score against its indicator: manual 0–100, deductions and bonuses 0–maxPoints, a veto 0 or 1.
    static func checkScore(_ score: Double?, _ ind: IndicatorDef) throws -> Double {
        guard let score, score.isFinite else { throw APIError.missing("score") }
        let top: Double
        switch ind.kind {
        case .computed: throw APIError.invalid("indicator", "「\(ind.name)」由平台计算，不能打分 (\(ind.code) is computed by the platform)")
        case .manual: top = 100
        case .deduction, .bonus: top = ind.maxPoints ?? 100
        case .veto: top = 1
        }
        guard score >= 0, score <= top, ind.kind != .veto || score == 0 || score == 1 else {
            throw APIError(.unprocessableEntity, code: "score_out_of_range",
                           "「\(ind.name)」的分值须在 0–\(String(format: "%g", top)) 之间 (the score of \(ind.code) must be 0–\(String(format: "%g", top)))", field: "score")
        }
        return score
    }

    private func indicator(_ r: AssessmentRound, _ code: String?) throws -> IndicatorDef {
        guard let code, let ind = r.definition.indicator(code) else { throw APIError.invalid("indicator", "未知指标 (unknown indicator)") }
        return ind
    }

    private func open(_ r: AssessmentRound) throws {
        guard r.roundState == .open else { throw Self.published }
    }

    /// The unit's own score (and note, and evidence files) for a hand-scored indicator.
    func selfScore(_ r: AssessmentRound, _ res: AssessmentResult, role: AssessmentRole, indicator code: String?, score: Double?, note: String?,
                   files: [(name: String, data: Data)] = []) async throws {
        try open(r)
        let ind = try indicator(r, code)
        let value = try Self.checkScore(score, ind)
        if ind.kind == .deduction, value > 0, (note ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw APIError.invalid("note", "扣分须说明原因 (a deduction needs a reason)")
        }
        let note = try Validate.text(note, field: "note", max: 500, required: false)
        let typed = try files.filter { !$0.data.isEmpty }.enumerated().map { i, f -> (String, Data, String) in
            guard f.data.count <= Self.maxEvidenceBytes else { throw APIError.invalid("files", "第 \(i + 1) 个文件超过 5 MB (file \(i + 1) is over 5 MB)") }
            guard let type = Self.sniff(f.data) else {
                throw APIError(.unprocessableEntity, code: "not_image_or_pdf", "第 \(i + 1) 个文件不是图片或 PDF (file \(i + 1) is not a picture or a PDF)", field: "files")
            }
            let name = String(f.name.replacingOccurrences(of: "/", with: "_").prefix(100))
            return (name.isEmpty ? "file" : name, f.data, type)
        }
        guard let e = try await entries(of: res)[ind.code] else { throw APIError.notFound }
        e.selfScore = value
        e.selfNote = note
        e.score = value
        e.adjustReason = nil
        e.updatedAt = now
        if ind.kind == .bonus { e.bonusState = value > 0 ? "pending" : nil }
        let now = now, source = source, from = res.resultState
        try AssessmentLifecycles.result.check(.score, from: from, role: role)
        guard try await AssessmentLifecycles.result.commit(res, .score, from: from, to: from, subject: "\(res.unitName) \(ind.name)",
                                                           note: String(format: "%g", value), by: source, at: now, on: db, write: { tx in
            try await res.save(on: tx)
            try await e.save(on: tx)
            for (name, data, type) in typed {
                let ev = AssessmentEvidence()
                ev.entryID = e.id!
                ev.resultID = res.id!
                ev.nodePath = res.nodePath
                ev.fileName = name
                ev.contentType = type
                ev.size = data.count
                ev.bytes = data
                ev.createdAt = now
                try await ev.create(on: tx)
            }
        }) else { throw AssessmentLifecycles.result.changed }
    }

    /// Submits the self-assessment; every hand-scored indicator needs a score first.
    func submit(_ r: AssessmentRound, _ res: AssessmentResult, role: AssessmentRole, version: Int? = nil) async throws {
        try open(r)
        let entries = try await entries(of: res)
        let unscored = r.definition.indicators.filter { $0.kind == .manual && entries[$0.code]?.score == nil }
        if !unscored.isEmpty {
            throw APIError(.unprocessableEntity, code: "self_assessment_incomplete",
                           "还有 \(unscored.count) 项未自评：\(unscored.prefix(3).map(\.name).joined(separator: "、")) (\(unscored.count) indicators are not scored yet)", field: "score")
        }
        try await AssessmentLifecycles.result.perform(.submit, on: res, role: role, expectedVersion: version, subject: res.unitName, by: source, at: now, on: db)
    }

    func accept(_ r: AssessmentRound, _ res: AssessmentResult, role: AssessmentRole, version: Int? = nil) async throws {
        try open(r)
        try await AssessmentLifecycles.result.perform(.accept, on: res, role: role, expectedVersion: version, subject: res.unitName, by: source, at: now, on: db)
    }

    func returnToUnit(_ r: AssessmentRound, _ res: AssessmentResult, role: AssessmentRole, reason: String?, version: Int? = nil) async throws {
        try open(r)
        let reason = try Self.reason(reason)
        try await AssessmentLifecycles.result.perform(.return, on: res, role: role, expectedVersion: version, subject: res.unitName, note: reason,
                                                      by: source, at: now, on: db)
    }

    static func reason(_ raw: String?) throws -> String {
        guard let r = try Validate.text(raw, field: "reason", max: 500, required: false), r.count >= 2 else {
            throw APIError.invalid("reason", "请说明原因（至少 2 个字） (give a reason, at least 2 characters)")
        }
        return r
    }

    /// The reviewer's score in place of the unit's, with a reason kept beside both.
    func adjust(_ r: AssessmentRound, _ res: AssessmentResult, role: AssessmentRole, indicator code: String?, score: Double?, reason: String?) async throws {
        try open(r)
        let ind = try indicator(r, code)
        let value = try Self.checkScore(score, ind)
        let reason = try Self.reason(reason)
        guard let e = try await entries(of: res)[ind.code] else { throw APIError.notFound }
        let before = e.score.map { String(format: "%g", $0) }
        let source = source, now = now
        e.score = value
        e.adjustReason = reason
        e.adjustedBy = source.actorName
        e.updatedAt = now
        if ind.kind == .bonus { e.bonusState = value > 0 ? "pending" : nil }
        let from = res.resultState
        try AssessmentLifecycles.result.check(.adjust, from: from, role: role)
        guard try await AssessmentLifecycles.result.commit(res, .adjust, from: from, to: from, subject: "\(res.unitName) \(ind.name)", note: reason,
                                                           by: source, at: now, on: db, changes: ["score": [before, String(format: "%g", value)]],
                                                           write: { tx in try await res.save(on: tx); try await e.save(on: tx) })
        else { throw AssessmentLifecycles.result.changed }
    }

    /// The county's decision on a bonus: approved points count, refused ones do not.
    func decideBonus(_ r: AssessmentRound, _ res: AssessmentResult, role: AssessmentRole, indicator code: String?, approve: Bool) async throws {
        try open(r)
        let ind = try indicator(r, code)
        guard ind.kind == .bonus else { throw APIError.invalid("indicator", "「\(ind.name)」不是加分项 (\(ind.code) is not a bonus)") }
        guard let e = try await entries(of: res)[ind.code], e.bonusState == "pending" else {
            throw APIError.conflict("没有待批准的加分 (no bonus awaits approval)", code: "no_pending_bonus")
        }
        e.bonusState = approve ? "approved" : "rejected"
        e.updatedAt = now
        let action: ResultAction = approve ? .approveBonus : .rejectBonus
        let from = res.resultState
        try AssessmentLifecycles.result.check(action, from: from, role: role)
        guard try await AssessmentLifecycles.result.commit(res, action, from: from, to: from, subject: "\(res.unitName) \(ind.name)", note: nil,
                                                           by: source, at: now, on: db, write: { tx in try await res.save(on: tx); try await e.save(on: tx) })
        else { throw AssessmentLifecycles.result.changed }
    }

    func evidence(of res: AssessmentResult) async throws -> [UUID: [AssessmentEvidence]] {
        Dictionary(grouping: try await AssessmentEvidence.query(on: db).filter(\.$resultID == res.id!).sort(\.$createdAt).all(), by: \.entryID)
    }

    /// Removes one evidence file while the unit still self-assesses (409 once submitted or published; 403 for a reviewer).
    func removeEvidence(_ r: AssessmentRound, _ res: AssessmentResult, role: AssessmentRole, file: UUID) async throws {
        try open(r)
        guard let ev = try await AssessmentEvidence.query(on: db).filter(\.$id == file).filter(\.$resultID == res.id!).first() else { throw APIError.notFound }
        let from = res.resultState, source = source, now = now
        try AssessmentLifecycles.result.check(.removeEvidence, from: from, role: role)
        guard try await AssessmentLifecycles.result.commit(res, .removeEvidence, from: from, to: from, subject: "\(res.unitName) \(ev.fileName)",
                                                           note: ev.fileName, by: source, at: now, on: db,
                                                           write: { tx in try await res.save(on: tx); try await ev.delete(on: tx) })
        else { throw AssessmentLifecycles.result.changed }
    }
}
