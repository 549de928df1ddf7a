import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// The measures Property, Partners, Activities, Canteen and Devices offer the assessment, with hand-counted rows in
/// March 2020 (a month the tiny demo leaves empty): each unit's numerator and denominator, and a unit with nothing to
/// measure missing rather than zero.
@Suite struct AssessmentFeatureMeasureTests {
    static let from = "2020-03-01", to = "2020-03-31"
    static func at(_ day: String, _ hour: Double = 10) -> Date { ShanghaiTime.dayStart(day).addingTimeInterval(hour * 3600) }

    /// 古亭社区 (YT-GT-01), 站前社区 (YT-BH-01) and their street 古塔街道 (YT-GT) as units.
    static func values(_ app: Application, _ source: AssessmentMeasureSource, _ key: String, now: Date? = nil) async throws
        -> (gt: AssessmentFraction?, bh: AssessmentFraction?, street: AssessmentFraction?) {
        let gt = try await app.node("YT-GT-01"), bh = try await app.node("YT-BH-01"), street = try await app.node("YT-GT")
        let ctx = AssessmentMeasureContext(app: app, db: app.db, now: now ?? at("2020-04-05"), from: from, to: to, root: try await app.node("YT"))
        let units = [AssessmentUnitRef(id: gt.id!, name: gt.name, path: gt.path, kind: .community),
                     AssessmentUnitRef(id: bh.id!, name: bh.name, path: bh.path, kind: .community),
                     AssessmentUnitRef(id: street.id!, name: street.name, path: street.path, kind: .street)]
        #expect(app.assessmentMeasures.keys.contains(key))
        let rows = try await AssessmentMeasureRegistry(sources: [source]).values(ctx, units: units, keys: [key])[key] ?? [:]
        return (rows[gt.id!], rows[bh.id!], rows[street.id!])
    }

    @Test func propertyInspectionsAndStarsAreSummedPerAreaAndCompany() async throws {
        try await withDemoApp { app in
            // setup: 古亭 two inspections in March (80/100, 45/50) and one in April (not counted); ratings 5, 4 and 2 stars
            let gt = try await app.node("YT-GT-01"), gt2 = try await app.node("YT-GT-02")
            let company = UUID()
            for (node, month, total, max) in [(gt, "2020-03", 80, 100), (gt2, "2020-03", 45, 50), (gt, "2020-04", 10, 100)] {
                let i = PropertyInspection()
                i.compoundID = UUID(); i.companyID = company; i.nodePath = node.path; i.month = month; i.scores = "{}"
                i.total = total; i.maxTotal = max; i.inspector = "检查员"; i.at = Self.at(month + "-10")
                try await i.create(on: app.db)
            }
            for (node, stars) in [(gt, 5), (gt, 4), (gt2, 2)] {
                let r = ResidentCompanyRating()
                r.companyID = company; r.compoundID = UUID(); r.nodePath = node.path; r.userID = UUID(); r.month = "2020-03"
                r.stars = stars; r.at = Self.at("2020-03-12")
                try await r.create(on: app.db)
            }
            // act
            let inspection = try await Self.values(app, AssessmentSources.propertyRatings, "property.inspection")
            let stars = try await Self.values(app, AssessmentSources.propertyRatings, "property.stars")
            // check: 古亭 80/100; the street sums its communities 125/150 (not the mean of 80 % and 90 %); 站前 missing
            #expect(inspection.gt == AssessmentFraction(numerator: 80, denominator: 100))
            #expect(inspection.street == AssessmentFraction(numerator: 125, denominator: 150))
            #expect(inspection.bh == nil)
            #expect(stars.gt == AssessmentFraction(numerator: 9, denominator: 10) && stars.street == AssessmentFraction(numerator: 11, denominator: 15))
            // the company as a unit of the 红色物业 round gets its own sum
            let root = try await app.node("YT")
            let ctx = AssessmentMeasureContext(app: app, db: app.db, now: Self.at("2020-04-05"), from: Self.from, to: Self.to, root: root)
            let byCompany = try await AssessmentMeasureRegistry(sources: [AssessmentSources.propertyRatings])
                .values(ctx, units: [AssessmentUnitRef(id: company, name: "公司", path: root.path, kind: .propertyCompany)], keys: ["property.stars"])
            #expect(byCompany["property.stars"]?[company] == AssessmentFraction(numerator: 11, denominator: 15))
        }
    }

    @Test func wishesFulfilledAndNeedsMetCountWhatWasDueInThePeriod() async throws {
        try await withDemoApp { app in
            // setup: 古亭 wishes posted in March: fulfilled, claimed, withdrawn (not counted); one posted in February
            let gt = try await app.node("YT-GT-01")
            for (state, day) in [(WishState.fulfilled, "2020-03-02"), (.claimed, "2020-03-20"), (.cancelled, "2020-03-21"), (.fulfilled, "2020-02-20")] {
                let w = Wish()
                w.title = "书包"; w.story = "一名小学生"; w.categoryRaw = PartnerCategory.goods.rawValue; w.valueFen = 5000
                w.beneficiaryName = "某某"; w.beneficiaryNote = ""; w.nodeID = gt.id!; w.nodePath = gt.path; w.stateRaw = state.rawValue
                w.showClaimer = false; w.version = 1; w.createdAt = Self.at(day)
                try await w.create(on: app.db)
            }
            // needs due in March: met, partly met, open; cancelled and an April one not counted
            for (state, due) in [(NeedState.met, "2020-03-05"), (.partlyMet, "2020-03-31"), (.open, "2020-03-15"), (.cancelled, "2020-03-15"), (.met, "2020-04-01")] {
                let n = Need()
                n.title = "助老陪护"; n.categoryRaw = PartnerCategory.goods.rawValue; n.quantity = 4; n.unit = "次"; n.forWhom = "独居老人"
                n.nodeID = gt.id!; n.nodePath = gt.path; n.dueDay = due; n.source = "community"; n.stateRaw = state.rawValue
                n.committed = 0; n.delivered = 0; n.claimable = false; n.createdBy = "测试"; n.version = 1; n.createdAt = Self.at("2020-02-01")
                try await n.create(on: app.db)
            }
            // act
            let wishes = try await Self.values(app, AssessmentSources.partners, "partners.wishes_fulfilled")
            let needs = try await Self.values(app, AssessmentSources.partners, "partners.needs_met")
            // check: wishes 1 of 2; needs 1 of 3; 站前 has neither (missing)
            #expect(wishes.gt == AssessmentFraction(numerator: 1, denominator: 2) && wishes.street == AssessmentFraction(numerator: 1, denominator: 2))
            #expect(needs.gt == AssessmentFraction(numerator: 1, denominator: 3))
            #expect(wishes.bh == nil && needs.bh == nil)
        }
    }

    @Test func attendanceMealsAndSafetyAlarmsCountOnlyWhatIsDue() async throws {
        try await withDemoApp { app in
            let gt = try await app.node("YT-GT-01"), bh = try await app.node("YT-BH-01")
            let resident = try await app.resident(under: "YT-GT-01")
            // setup: an activity of 古亭 on 10 March: 2 came, 1 did not, 1 waiting and 1 cancelled (not seats)
            let a = VolunteerActivity()
            a.communityID = gt.id!; a.nodePath = gt.path; a.placeID = gt.id!; a.placeName = "活动室"; a.title = "广场舞"
            a.startsAt = Self.at("2020-03-10"); a.endsAt = Self.at("2020-03-10", 12); a.capacity = 10; a.reservedSeats = 0
            a.requiredTags = ""; a.secret = "s"; a.createdBy = "测试"; a.createdAt = Self.at("2020-03-01")
            try await a.create(on: app.db)
            let people = try await Resident.query(on: app.db).within(DataScope(rootPath: gt.path)).limit(5).all()
            try #require(people.count == 5)
            for (state, person) in zip([AttendanceState.checkedOut, .verified, .noShow, .waiting, .cancelled], people) {
                let row = ActivityAttendance()
                row.activityID = a.id!; row.residentID = person.id!; row.residentName = "居民"; row.nodePath = gt.path
                row.stateRaw = state.rawValue; row.signedUpAt = Self.at("2020-03-02"); row.reserved = false; row.updatedAt = Self.at("2020-03-10")
                try await row.create(on: app.db)
            }
            // meals to deliver in 站前: 30 and 31 March delivered and not; 31 March is "today" so only a delivered one of it counts
            let canteen = Canteen()
            canteen.name = "站前食堂"; canteen.nodeID = bh.id!; canteen.nodePath = bh.path; canteen.address = "站前路"; canteen.cutoffHour = 18
            try await canteen.create(on: app.db)
            let menu = CanteenMenu()
            menu.canteenID = canteen.id!; menu.day = "2020-03-30"; menu.meal = "lunch"; menu.closed = false; menu.note = ""
            try await menu.create(on: app.db)
            let dish = CanteenDish()
            dish.menuID = menu.id!; dish.name = "米饭套餐"; dish.priceStandard = 1200; dish.priceOver60 = 1000; dish.priceOver80 = 800
            dish.priceAssisted = 500; dish.soldOut = false; dish.sortOrder = 1
            try await dish.create(on: app.db)
            for (day, state, delivery) in [("2020-03-30", "delivered", true), ("2020-03-30", "ordered", true), ("2020-03-30", "cancelled", true),
                                           ("2020-03-30", "ordered", false), ("2020-03-31", "delivered", true), ("2020-03-31", "ordered", true)] {
                let o = CanteenOrder()
                o.menuID = menu.id!; o.dishID = dish.id!; o.canteenID = canteen.id!; o.day = day; o.meal = "lunch"; o.residentID = resident.id!
                o.residentName = "居民"; o.nodePath = bh.path; o.dinerType = "over80"; o.quantity = 1; o.price = 800; o.delivery = delivery
                o.address = "站前路 1 号"; o.state = state; o.createdAt = Self.at("2020-03-29")
                try await o.create(on: app.db)
            }
            // smoke alarms in 古亭: cleared in 2 h, cleared after 30 h, open since 20 days, open for 1 h ("now"); a water-meter alarm
            let rule = DeviceRule()
            rule.type = "threshold"; rule.kind = DeviceKind.smokeSensor.rawValue; rule.metric = "smoke"; rule.op = ">"; rule.value = 1; rule.hours = 0
            rule.tags = ""; rule.quietFrom = 0; rule.quietTo = 0; rule.categoryCode = "fire"; rule.name = "烟感"; rule.nodePath = gt.path
            rule.active = true; rule.version = 1; rule.updatedAt = Self.at("2020-01-01")
            try await rule.create(on: app.db)
            var devices: [String: UUID] = [:]
            for kind in [DeviceKind.smokeSensor, .waterMeter] {
                let d = Device()
                d.serial = "T-\(kind.rawValue)"; d.kind = kind.rawValue; d.vendor = "v"; d.model = "m"; d.nodeID = gt.id!; d.nodePath = gt.path
                d.active = true; d.createdAt = Self.at("2020-01-01")
                try await d.create(on: app.db)
                devices[kind.rawValue] = d.id!
            }
            let now = Self.at("2020-03-31", 20)
            for (kind, raised, cleared) in [(DeviceKind.smokeSensor, Self.at("2020-03-03"), Self.at("2020-03-03", 12)),
                                            (.smokeSensor, Self.at("2020-03-05"), Self.at("2020-03-06", 16)),
                                            (.smokeSensor, Self.at("2020-03-11"), nil), (.smokeSensor, now.addingTimeInterval(-3600), nil),
                                            (.waterMeter, Self.at("2020-03-03"), nil)] as [(DeviceKind, Date, Date?)] {
                let al = DeviceAlarm()
                al.deviceID = devices[kind.rawValue]!; al.ruleID = rule.id!; al.ruleType = "threshold"; al.state = cleared == nil ? "active" : "cleared"
                al.raisedAt = raised; al.lastAt = raised; al.repeats = 0; al.clearedAt = cleared; al.summary = "告警"; al.nodePath = gt.path; al.version = 1
                try await al.create(on: app.db)
            }
            // act
            let attendance = try await Self.values(app, AssessmentSources.activities, "activities.attendance")
            let meals = try await Self.values(app, AssessmentSources.canteen, "canteen.delivered", now: Self.at("2020-03-31", 9))
            let alarms = try await Self.values(app, AssessmentSources.deviceSafety, "devices.safety_cleared", now: now)
            // check: came 2 of 3 seats; meals 2 of 3 (the undelivered 31 March is not due yet); alarms 1 of 3 in 24 h
            #expect(attendance.gt == AssessmentFraction(numerator: 2, denominator: 3) && attendance.bh == nil)
            #expect(meals.bh == AssessmentFraction(numerator: 2, denominator: 3) && meals.gt == nil)
            #expect(alarms.gt == AssessmentFraction(numerator: 1, denominator: 3) && alarms.street == AssessmentFraction(numerator: 1, denominator: 3) && alarms.bh == nil)
        }
    }

    @Test func theFourTypeTemplateComputesMostIndicatorsFromKnownMeasures() async throws {
        try await withTestApp { app in
            let weighted = AssessmentTemplates.fourType.indicators.filter { $0.kind == .computed || $0.kind == .manual }
            let computed = weighted.filter { $0.kind == .computed }
            #expect(weighted.count == 48)
            #expect(computed.count >= 30)
            #expect(Set(computed.compactMap(\.measure)).isSubset(of: app.assessmentMeasures.keys))
            #expect(Set(AssessmentTemplates.redProperty.indicators.compactMap(\.measure)).isSubset(of: app.assessmentMeasures.keys))
        }
    }
}
