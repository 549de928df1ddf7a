import JingzhiCore
import Vapor

/// A resident as the API shows it, masked for the viewer's role.
struct ResidentDTO: Content {
    let id: UUID
    let name: String
    let gender: String
    let birthDate: String?
    let age: Int?
    let idNumber: String?
    let phone: String?
    let relation: String
    let tags: [String]
    let nodeId: UUID
    let householdId: UUID
    let address: String?
    let note: String?
    let updatedAt: Date?

    init(_ r: Resident, household: Household?, viewer: Actor?, now: Date) {
        let own = viewer?.user.residentID == r.id && r.id != nil
        let role = viewer?.role
        id = r.id!
        name = r.name
        gender = r.gender
        // The birth date is digits 7–14 of the ID number: shown beside a masked number it would unmask it.
        birthDate = own || role?.seesFullIDNumber == true ? r.birthDate : nil
        age = r.birthDate.flatMap { Self.age(born: $0, now: now) }
        idNumber = own || role?.seesFullIDNumber == true ? r.idNumber : Mask.idNumber(r.idNumber)
        phone = own || role?.seesFullPhone == true ? r.phone : Mask.phone(r.phone)
        viewer?.revealed("resident", id: r.id, path: r.nodePath, viewer?.unmasked(idNumber: r.idNumber, phone: r.phone, own: own) ?? [])
        relation = r.relation
        tags = r.tagList
        nodeId = r.nodeID
        householdId = r.householdID
        address = household?.address
        note = r.note
        updatedAt = r.updatedAt
    }

    static func age(born: String, now: Date) -> Int? {
        guard Validate.date(born) != nil else { return nil }
        let today = ShanghaiTime.today(now)
        let y = Int(today.prefix(4))! - Int(born.prefix(4))!
        return today.dropFirst(5) >= born.dropFirst(5) ? y : y - 1
    }
}

struct ResidentBody: Content {
    var householdId: UUID?
    var name: String?
    var gender: String?
    var birthDate: String?
    var idNumber: String?
    var phone: String?
    var relation: String?
    var tags: [String]?
    var note: String?

    var input: ResidentInput {
        ResidentInput(name: name, gender: gender, birthDate: birthDate, idNumber: idNumber, phone: phone,
                      relation: relation, tags: tags, note: note)
    }
}

struct HouseholdDTO: Content {
    let id: UUID
    let nodeId: UUID
    let room: String
    let address: String
    let occupancy: String?
    var members: [ResidentDTO]?
    var visits: [VisitDTO]?

    init(_ h: Household) {
        id = h.id!
        nodeId = h.nodeID
        room = h.room
        address = h.address
        occupancy = h.occupancy
    }
}

struct HouseholdBody: Content {
    var nodeId: UUID?
    var room: String?
    var occupancy: String?
}

struct VisitDTO: Content {
    let id: UUID
    let householdId: UUID
    let visitedOn: String
    let kind: String
    let visitorName: String
    let notes: String

    init(_ v: Visit) {
        id = v.id!
        householdId = v.householdID
        visitedOn = v.visitedOn
        kind = v.kind
        visitorName = v.visitorName
        notes = v.notes
    }
}

