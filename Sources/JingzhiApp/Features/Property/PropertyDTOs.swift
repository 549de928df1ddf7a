import Fluent
import JingzhiCore
import Vapor

struct CompanyDTO: Content {
    let id: UUID
    let name: String
    let licenceNo: String
    let contactName: String
    let contactPhone: String
    let partyBranch: String?
    let kind: String
    let kindLabel: String
    let active: Bool

    init(_ c: PropertyCompany) {
        id = c.id!
        name = c.name
        licenceNo = c.licenceNo
        contactName = c.contactName
        contactPhone = c.contactPhone
        partyBranch = c.partyBranch
        kind = c.kind
        kindLabel = PropertyCompany.kinds[c.kind] ?? c.kind
        active = c.active
    }
}

struct ContractDTO: Content {
    let id: UUID
    let companyId: UUID?
    let compoundId: UUID
    let model: String
    let modelLabel: String
    let startDay: String
    let endDay: String
    let feeFenPerM2: Int
    let status: String

    init(_ c: PropertyContract) {
        id = c.id!
        companyId = c.companyID
        compoundId = c.compoundID
        model = c.model
        modelLabel = PropertyContract.models[c.model] ?? c.model
        startDay = c.startDay
        endDay = c.endDay
        feeFenPerM2 = c.feeFenPerM2
        status = c.status
    }
}

struct CompoundRowDTO: Content {
    let id: UUID
    let code: String
    let name: String
    let compoundClass: String?
    let tier: String
    let companyId: UUID?
    let companyName: String?
    let model: String?
    /// No company serves it today (无物业小区).
    let withoutCompany: Bool
}

struct TierChangeDTO: Content {
    let id: UUID
    let fromTier: String?
    let toTier: String
    let reason: String
    let actorName: String
    let at: Date

    init(_ c: CompoundTierChange) {
        id = c.id!
        fromTier = c.fromTier
        toTier = c.toTier
        reason = c.reason
        actorName = c.actorName
        at = c.at
    }
}

struct TaskDTO: Content {
    let id: UUID
    let tierChangeId: UUID?
    let title: String
    let owner: String
    let dueDay: String
    let doneAt: Date?
    let doneBy: String?
    let overdue: Bool

    init(_ t: ImprovementTask, today: String) {
        id = t.id!
        tierChangeId = t.tierChangeID
        title = t.title
        owner = t.owner
        dueDay = t.dueDay
        doneAt = t.doneAt
        doneBy = t.doneBy
        overdue = t.doneAt == nil && t.dueDay < today
    }
}

struct CompoundDetailDTO: Content {
    let compound: CompoundRowDTO
    let households: Int
    let contracts: [ContractDTO]
    let tierHistory: [TierChangeDTO]
    let tasks: [TaskDTO]
}

struct FeeItemDTO: Content {
    let id: UUID
    let companyId: UUID
    let name: String
    let basis: String
    let unitFen: Int
    let active: Bool

    init(_ i: FeeItem) {
        id = i.id!
        companyId = i.companyID
        name = i.name
        basis = i.basis
        unitFen = i.unitFen
        active = i.active
    }
}

struct BillDTO: Content {
    let id: UUID
    let companyId: UUID
    let compoundId: UUID
    let householdId: UUID
    let itemName: String
    let period: String
    let amountFen: Int
    let paidFen: Int
    let owedFen: Int
    let dueDay: String
    let status: String
    var payments: [PaymentDTO]?

    init(_ b: PropertyBill) {
        id = b.id!
        companyId = b.companyID
        compoundId = b.compoundID
        householdId = b.householdID
        itemName = b.itemName
        period = b.period
        amountFen = b.amountFen
        paidFen = b.paidFen
        owedFen = b.owedFen
        dueDay = b.dueDay
        status = b.status
    }
}

struct PaymentDTO: Content {
    let id: UUID
    let billId: UUID
    let amountFen: Int
    let method: String
    let reference: String?
    let receiptNo: String
    let reversesId: UUID?
    let reversedById: UUID?
    let reason: String?
    let actorName: String
    let payerKind: String
    let at: Date

    init(_ p: PropertyPayment) {
        id = p.id!
        billId = p.billID
        amountFen = p.amountFen
        method = p.method
        reference = p.reference
        receiptNo = p.receiptNo
        reversesId = p.reversesID
        reversedById = p.reversedByID
        reason = p.reason
        actorName = p.actorName
        payerKind = p.payerKind
        at = p.at
    }
}

struct InspectionDTO: Content {
    let id: UUID
    let compoundId: UUID
    let month: String
    let scores: [String: Int]
    let total: Int
    let maxTotal: Int
    let inspector: String

    init(_ i: PropertyInspection) {
        id = i.id!
        compoundId = i.compoundID
        month = i.month
        scores = (try? JSONDecoder().decode([String: Int].self, from: Data(i.scores.utf8))) ?? [:]
        total = i.total
        maxTotal = i.maxTotal
        inspector = i.inspector
    }
}

extension Request {
    /// A compound in the actor's scope (404 outside it, like a missing one).
    func compound(_ id: UUID?, within scope: DataScope) async throws -> OrgNode {
        let node = try await OrgNode.find(id, within: scope, on: db)
        guard node.kind == .compound else { throw APIError.notFound }
        return node
    }
}
