import Foundation
import JingzhiCore

/// The make-up of a household, which decides ages, relations and several tags.
enum HouseholdKind: CaseIterable {
    case singleElderly, singleAdult, elderlyCouple, youngCouple, nuclearOne, nuclearTwo, threeGenerations
    case elderWithChild, skippedGeneration, singleParent, middleWithAdult, roommates

    /// Owner-occupied homes: an ageing town (老龄化), many elderly couples and three-generation homes.
    static let settled = Weighted<HouseholdKind>([
        (.singleElderly, 1.0), (.singleAdult, 4), (.elderlyCouple, 19), (.youngCouple, 5), (.nuclearOne, 21),
        (.nuclearTwo, 11), (.threeGenerations, 12), (.elderWithChild, 9), (.skippedGeneration, 4),
        (.singleParent, 3), (.middleWithAdult, 10),
    ])
    /// Rented flats: young people and young families.
    static let renting = Weighted<HouseholdKind>([
        (.singleAdult, 29), (.youngCouple, 22), (.nuclearOne, 25), (.nuclearTwo, 9), (.roommates, 12), (.singleParent, 3),
    ])
    /// Empty flats whose registered household lives elsewhere (人户分离).
    static let away = Weighted<HouseholdKind>([(.youngCouple, 25), (.nuclearOne, 35), (.singleAdult, 25), (.middleWithAdult, 15)])
}

/// A household the tiny scale places first in every community, so each tag occurs there.
struct ForcedHousehold {
    let occupancy: String
    let kind: HouseholdKind
    let migrant: Bool
    let minimumAge: Int

    static let tinySet = [
        ForcedHousehold(occupancy: "自住", kind: .singleElderly, migrant: false, minimumAge: 80), // 独居, 高龄
        ForcedHousehold(occupancy: "自住", kind: .elderlyCouple, migrant: false, minimumAge: 0),  // 空巢
        ForcedHousehold(occupancy: "自住", kind: .skippedGeneration, migrant: false, minimumAge: 0), // 留守儿童
        ForcedHousehold(occupancy: "出租", kind: .nuclearOne, migrant: true, minimumAge: 0),     // 出租户, 流动人口
    ]
}

extension DemoBuilder {
    private struct Member {
        let relation: String
        let male: Bool
        let age: Int
        /// Whether the person carries the family's (paternal) surname.
        let familyName: Bool
    }

    /// Ages of people 60 and over: most in their sixties and seventies, a few past 90.
    private mutating func elderlyAge(from minimum: Int = 60) -> Int {
        let buckets: [(ClosedRange<Int>, Double)] = [(60...64, 25), (65...69, 24), (70...74, 20), (75...79, 14),
                                                      (80...84, 10), (85...89, 5), (90...96, 2)]
        let usable = buckets.filter { $0.0.upperBound >= minimum }
        let range = usable[rng.weighted(usable.map(\.1))].0
        return rng.int(in: max(range.lowerBound, minimum)...range.upperBound)
    }

    private mutating func couple(husband: ClosedRange<Int>) -> [Member] {
        let h = husband.lowerBound >= 60 && husband.count > 1 ? elderlyAge(from: husband.lowerBound) : rng.int(in: husband)
        let w = max(20, h - rng.int(in: 0...4))
        let husbandHead = rng.chance(0.8)
        return [Member(relation: husbandHead ? "户主" : "配偶", male: true, age: h, familyName: true),
                Member(relation: husbandHead ? "配偶" : "户主", male: false, age: w, familyName: false)]
            .sorted { $0.relation == "户主" && $1.relation != "户主" }
    }

    private mutating func child(ofMotherAged m: Int, relation: String = "子女") -> Member {
        let age = max(0, m - rng.int(in: 22...max(22, min(34, m))))
        return Member(relation: relation, male: rng.chance(0.52), age: age, familyName: true)
    }

    private mutating func members(_ kind: HouseholdKind, minimumAge: Int) -> [Member] {
        switch kind {
        case .singleElderly:
            return [Member(relation: "户主", male: rng.chance(0.35), age: elderlyAge(from: max(65, minimumAge)), familyName: true)]
        case .singleAdult:
            let age = rng.chance(0.6) ? rng.int(in: 22...35) : rng.int(in: 36...58)
            return [Member(relation: "户主", male: rng.chance(0.55), age: age, familyName: true)]
        case .elderlyCouple:
            return couple(husband: 60...95)
        case .youngCouple:
            return couple(husband: 24...36)
        case .nuclearOne, .nuclearTwo:
            var family = couple(husband: 28...55)
            let first = child(ofMotherAged: family.first { !$0.male }!.age)
            family.append(first)
            if kind == .nuclearTwo {
                family.append(Member(relation: "子女", male: rng.chance(0.52), age: max(0, first.age - rng.int(in: 2...8)), familyName: true))
            }
            return family
        case .threeGenerations:
            var family = couple(husband: 30...50)
            let father = family.first { $0.male }!.age, mother = family.first { !$0.male }!.age
            family.append(child(ofMotherAged: mother))
            let twoChildren = rng.chance(0.4)
            if twoChildren { family.append(child(ofMotherAged: mother)) }
            let grandfather = min(96, father + rng.int(in: 24...32)), grandmother = max(50, grandfather - rng.int(in: 0...4))
            // At most five people: with two grandchildren only one grandparent lives in.
            switch twoChildren ? 1 + rng.int(2) : rng.weighted([55, 30, 15]) {
            case 0: family += [Member(relation: "父母", male: true, age: grandfather, familyName: true),
                               Member(relation: "父母", male: false, age: grandmother, familyName: false)]
            case 1: family.append(Member(relation: "父母", male: false, age: grandmother, familyName: false))
            default: family.append(Member(relation: "父母", male: true, age: grandfather, familyName: true))
            }
            return family
        case .elderWithChild:
            let elderMale = rng.chance(0.35), elder = elderlyAge(from: 72)
            let headAge = max(35, elder - rng.int(in: 22...35))
            var family = rng.chance(0.55) ? couple(husband: headAge...headAge)
                : [Member(relation: "户主", male: rng.chance(0.5), age: headAge, familyName: true)]
            family.append(Member(relation: "父母", male: elderMale, age: elder, familyName: elderMale))
            return family
        case .skippedGeneration:
            let grandfather = rng.int(in: 58...76), grandmother = max(55, grandfather - rng.int(in: 0...4))
            var family: [Member]
            switch rng.weighted([70, 25, 5]) {
            case 0: family = [Member(relation: "户主", male: true, age: grandfather, familyName: true),
                              Member(relation: "配偶", male: false, age: grandmother, familyName: false)]
            case 1: family = [Member(relation: "户主", male: false, age: grandmother, familyName: false)]
            default: family = [Member(relation: "户主", male: true, age: grandfather, familyName: true)]
            }
            for _ in 0..<(rng.chance(0.7) ? 1 : 2) {
                family.append(Member(relation: "孙辈", male: rng.chance(0.52), age: rng.int(in: 3...15), familyName: true))
            }
            return family
        case .singleParent:
            let male = rng.chance(0.3), age = rng.int(in: 30...52)
            return [Member(relation: "户主", male: male, age: age, familyName: true), child(ofMotherAged: age)]
        case .middleWithAdult:
            var family = couple(husband: 48...62)
            let mother = family.first { !$0.male }!.age
            family.append(Member(relation: "子女", male: rng.chance(0.52), age: max(19, min(32, mother - rng.int(in: 22...30))), familyName: true))
            return family
        case .roommates:
            let male = rng.chance(0.5)
            return [Member(relation: "户主", male: male, age: rng.int(in: 20...34), familyName: true),
                    Member(relation: "其他", male: male, age: rng.int(in: 20...34), familyName: false)]
        }
    }

    /// The people registered in `household`, with ID numbers, phones and special-group tags.
    mutating func residents(of household: HouseholdRow, idArea: String, forced: ForcedHousehold?) -> [ResidentRow] {
        let occupancy = household.occupancy
        let kind = forced?.kind ?? rng.pick(occupancy == "出租" ? HouseholdKind.renting
                                             : occupancy == "空置" ? HouseholdKind.away : HouseholdKind.settled)
        let migrant = forced?.migrant ?? (occupancy == "出租" && rng.chance(0.45))
        let area = migrant ? rng.pick(plan.region.migrantAreas) : idArea
        let people = members(kind, minimumAge: forced?.minimumAge ?? 0)
        let familySurname = DemoNames.surname(&rng)
        // Household-level support (低保 / 困难家庭) goes to settled homes only.
        let subsistence = occupancy == "自住" && rng.chance(0.015)
        let hardship = occupancy == "自住" && (subsistence ? rng.chance(0.5) : rng.chance(0.02))
        return people.map { m in
            var birth = plan.createdDay - m.age * 365 - m.age / 4 - rng.int(365)
            let issued = idNumbers.make(area: area, birth: birth, male: m.male)
            birth = issued.birth
            let surname = m.familyName ? familySurname : DemoNames.surname(&rng)
            let name = surname + DemoNames.givenName(birthYear: DemoDate.civil(birth).y, male: m.male, &rng)
            let phoneShare: Double = switch m.age {
            case ..<12: 0
            case ..<18: 0.6
            case ..<70: 0.98
            case ..<80: 0.88
            default: 0.6
            }
            let phone = rng.chance(phoneShare) ? phones.mobile(&rng) : nil
            var tags: Set<String> = []
            if m.age >= 80 { tags.insert("高龄老人") }
            if kind == .singleElderly {
                tags.insert("独居老人")
                if rng.chance(0.12) { tags.insert("特困") }
                if m.age >= 80 && rng.chance(0.3) { tags.insert("重点关注") }
            }
            if kind == .elderlyCouple && m.age >= 60 { tags.insert("空巢老人") }
            if kind == .skippedGeneration && m.relation == "孙辈" && m.age < 16 { tags.insert("留守儿童") }
            let disabled: Double = m.age < 18 ? 0.006 : m.age < 60 ? 0.015 : m.age < 80 ? 0.03 : 0.05
            if rng.chance(disabled) { tags.insert("残疾人") }
            if subsistence { tags.insert("低保") }
            if hardship { tags.insert("困难家庭") }
            if m.male && m.age >= 22 && rng.chance(m.age >= 45 ? 0.035 : 0.02) { tags.insert("退役军人") }
            if m.age >= 18 {
                let party: Double = m.male ? (m.age >= 50 ? 0.12 : 0.06) : (m.age >= 50 ? 0.06 : 0.045)
                if rng.chance(party) { tags.insert("党员") }
                if m.age <= 72 && rng.chance(tags.contains("党员") ? 0.25 : 0.04) { tags.insert("志愿者") }
                if m.age <= 65 && rng.chance(0.003) { tags.insert("重点关注") }
            }
            if migrant { tags.insert("流动人口") }
            if occupancy == "出租" { tags.insert("出租户") }
            var note: String?
            if occupancy == "空置" {
                note = "人户分离，长期在外"
            } else if kind == .singleElderly {
                note = rng.pick(["子女在外地工作，每周电话联系", "子女在本县，常回家看望", "老伴已去世，身体尚可", nil])
            }
            return ResidentRow(id: rng.uuid(), householdID: household.id, nodeID: household.nodeID, nodePath: household.nodePath,
                               name: name, male: m.male, birthDate: DemoDate.string(birth), age: m.age, idNumber: issued.id,
                               phone: phone, relation: m.relation, tags: ResidentTags.all.filter(tags.contains), note: note,
                               importKey: ResidentKey.make(idNumber: issued.id, householdNodeID: household.nodeID,
                                                           room: household.room, name: name))
        }
    }

    /// About two visits a year per household, more where old people live, by the grid's own workers.
    mutating func visits(to household: HouseholdRow, people: [ResidentRow], workers: [WorkerRow]) -> [VisitRow] {
        let elderly = people.contains { $0.tags.contains("独居老人") || $0.tags.contains("空巢老人") || $0.tags.contains("高龄老人") }
        let empty = household.occupancy == "空置"
        var count = [0, 1, 2, 3, 4][rng.weighted([10, 25, 35, 20, 10])]
        if elderly { count += 1 }
        if empty { count = min(count, 1) }
        return (0..<count).map { _ in
            let kind = Visit.kinds[rng.weighted(elderly ? [25, 15, 45, 15] : [40, 25, 15, 20])]
            let notes = empty ? "家中无人，已留联系卡" : rng.pick(DemoNames.visitNotes[kind]!)
            let day = rng.int(in: plan.visitDays)
            return VisitRow(id: rng.uuid(), householdID: household.id, nodePath: household.nodePath,
                            visitorName: rng.pick(workers).name, visitedOn: DemoDate.string(day), kind: kind, notes: notes,
                            createdAt: DemoDate.instant(day, hour: rng.int(in: 9...17), minute: rng.int(60)))
        }
    }

    /// Tiny scale: gives every tag to at least one plausible resident of the community.
    mutating func guaranteeEveryTag(_ residents: inout [ResidentRow]) {
        for tag in ResidentTags.all where !residents.contains(where: { $0.tags.contains(tag) }) {
            let eligible: (ResidentRow) -> Bool = switch tag {
            case "退役军人": { $0.male && $0.age >= 22 }
            case "特困": { $0.age >= 60 }
            case "高龄老人": { $0.age >= 80 }
            case "留守儿童": { $0.relation == "孙辈" && $0.age < 16 }
            case "独居老人", "空巢老人", "流动人口", "出租户": { _ in false } // made by the forced households
            default: { $0.age >= 18 && $0.note != "人户分离，长期在外" }
            }
            let candidates = residents.indices.filter { eligible(residents[$0]) }
            guard !candidates.isEmpty else { continue }
            let i = candidates[rng.int(candidates.count)]
            let tags = Set(residents[i].tags + [tag])
            residents[i].tags = ResidentTags.all.filter(tags.contains)
        }
    }
}
