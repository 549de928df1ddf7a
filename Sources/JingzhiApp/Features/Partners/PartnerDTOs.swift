import Foundation
import JingzhiCore
import Vapor

/// The list shape of this feature's contract: exactly `items`, `total`, `page`.
struct PageOf<Item: Content>: Content {
    let items: [Item]
    let total: Int
    let page: Int
}

struct PartnerDTO: Content {
    let id: UUID
    let name: String
    let kind: String
    let offers: String
    let partyBranch: String
    let nodeId: UUID
    let state: String
    let categories: [String]
    let agreementFrom: String?
    let agreementTo: String?
    /// Staff of its area and its own account only.
    var creditCode: String?
    var contactName: String?
    var contactPhone: String?
    var stateReason: String?
    var version: Int?

    init(_ p: Partner, full: Bool) {
        id = p.id!
        name = p.name
        kind = p.kindRaw
        offers = p.offers
        partyBranch = p.partyBranch
        nodeId = p.nodeID
        state = p.stateRaw
        categories = p.categories.map(\.rawValue)
        agreementFrom = p.agreementFrom
        agreementTo = p.agreementTo
        if full {
            creditCode = p.creditCode
            contactName = p.contactName
            contactPhone = p.contactPhone
            stateReason = p.stateReason
            version = p.version
        }
    }
}

/// A wish as the public sees it (never the person's name, note, resident link or photo), plus what staff see.
struct WishDTO: Content {
    let id: UUID
    let title: String
    let story: String
    let category: String
    let valueFen: Int
    let state: String
    let claimDeadline: Date?
    /// Shown when the claimer agreed (and always to staff and the claimer).
    var claimerName: String?
    let thanks: String?
    /// resident / staff (typed on the resident's behalf).
    let thanksBy: String?
    let createdAt: Date
    let version: Int
    var beneficiaryName: String?
    var beneficiaryNote: String?
    var beneficiaryResidentId: UUID?
    var hasPhoto: Bool?
    /// The hours the claimer entered (staff of the area and the claimer only).
    var hours: Double?

    init(_ w: Wish, full: Bool, photo: Bool = false) {
        id = w.id!
        title = w.title
        story = w.story
        category = w.categoryRaw
        valueFen = w.valueFen
        state = w.stateRaw
        claimDeadline = w.state == .claimed || w.state == .handedOver ? w.claimDeadline : nil
        claimerName = full || w.showClaimer ? w.claimerName : nil
        thanks = w.thanks
        thanksBy = w.thanksBy
        createdAt = w.createdAt
        version = w.version
        if full {
            beneficiaryName = w.beneficiaryName
            beneficiaryNote = w.beneficiaryNote
            beneficiaryResidentId = w.beneficiaryResidentID
            hasPhoto = photo
        }
    }
}

struct NeedDTO: Content {
    let id: UUID
    let title: String
    let category: String
    let quantity: Int
    let unit: String
    let forWhom: String
    let nodeId: UUID
    let dueDay: String
    let source: String
    let state: String
    let committed: Int
    let delivered: Int
    let claimable: Bool
    let forTag: String?
    let reviewNote: String?
    let version: Int

    init(_ n: Need) {
        id = n.id!
        title = n.title
        category = n.categoryRaw
        quantity = n.quantity
        unit = n.unit
        forWhom = n.forWhom
        nodeId = n.nodeID
        dueDay = n.dueDay
        source = n.source
        state = n.stateRaw
        claimable = n.claimable
        forTag = n.forTag
        reviewNote = n.reviewNote
        committed = n.committed
        delivered = n.delivered
        version = n.version
    }
}

struct ResourceDTO: Content {
    let id: UUID
    let partnerId: UUID
    let title: String
    let category: String
    let quantity: Int
    let committed: Int
    let left: Int
    let unit: String
    let availableFrom: String
    let availableTo: String
    let place: String
    let active: Bool

    init(_ r: PartnerResource) {
        id = r.id!
        partnerId = r.partnerID
        title = r.title
        category = r.categoryRaw
        quantity = r.quantity
        committed = r.committed
        left = r.left
        unit = r.unit
        availableFrom = r.availableFrom
        availableTo = r.availableTo
        place = r.place
        active = r.active
    }
}

struct MatchDTO: Content {
    let id: UUID
    let projectId: UUID
    let needId: UUID
    let resourceId: UUID
    let partnerId: UUID
    let committed: Int
    let delivered: Int

    init(_ m: PartnerMatch) {
        id = m.id!
        projectId = m.projectID
        needId = m.needID
        resourceId = m.resourceID
        partnerId = m.partnerID
        committed = m.committed
        delivered = m.delivered
    }
}

struct ProjectDTO: Content {
    let id: UUID
    let title: String
    let owner: String
    let startDay: String
    let endDay: String
    let progress: Int
    let minutes: String
    var matches: [MatchDTO]?
    /// The progress photos (a single project only).
    var photos: [ProjectPhotoDTO]?

    init(_ p: PartnerProject, matches: [PartnerMatch]? = nil) {
        id = p.id!
        title = p.title
        owner = p.owner
        startDay = p.startDay
        endDay = p.endDay
        progress = p.progress
        minutes = p.minutes
        self.matches = matches?.map(MatchDTO.init)
    }
}

struct ServiceLogDTO: Content {
    let id: UUID
    let who: String
    let unit: String
    let what: String
    let day: String
    let hours: Double
    let forWhom: String
    let state: String
    let version: Int

    init(_ l: ServiceLog) {
        id = l.id!
        who = l.who
        unit = l.unit
        what = l.what
        day = l.day
        hours = Double(l.tenths) / 10
        forWhom = l.forWhom
        state = l.stateRaw
        version = l.version
    }
}

struct SuggestionDTO: Content {
    let needId: UUID
    let resourceId: UUID
    let partnerId: UUID
    let left: Int
}

struct ReportLineDTO: Content {
    let unit: String
    let hours: Double
    let activities: Int
    let claimsFulfilled: Int
    let needsMet: Int
}
