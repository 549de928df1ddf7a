import Fluent
import JingzhiCore
import SQLKit

/// Companies, contracts, staff links, compound classes and tiers with their history and tasks.
struct M030CreatePropertyCompanies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PropertyCompany.schema).id()
            .field("name", .string, .required).field("licence_no", .string, .required)
            .field("contact_name", .string, .required).field("contact_phone", .string, .required)
            .field("party_branch", .string).field("kind", .string, .required).field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "licence_no").create()
        try await db.schema(PropertyContract.schema).id()
            .field("company_id", .uuid, .references(PropertyCompany.schema, "id"))
            .field("compound_id", .uuid, .required, .references(OrgNode.schema, "id", onDelete: .cascade))
            .field("node_path", .path(on: db), .required)
            .field("model", .string, .required).field("start_day", .string, .required).field("end_day", .string, .required)
            .field("fee_fen_per_m2", .int, .required).field("status", .string, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("property_contracts_company", on: PropertyContract.schema, ["company_id", "status"], db: db)
        try await createIndex("property_contracts_path", on: PropertyContract.schema, ["node_path"], db: db)
        try await db.schema(PropertyStaffLink.schema).id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("company_id", .uuid, .required, .references(PropertyCompany.schema, "id"))
            .unique(on: "user_id").create()
        try await db.schema(CompoundProfile.schema).id()
            .field("compound_id", .uuid, .required, .references(OrgNode.schema, "id", onDelete: .cascade))
            .field("node_path", .path(on: db), .required)
            .field("class", .string, .required).field("tier", .string, .required).field("updated_at", .datetime, .required)
            .unique(on: "compound_id").create()
        try await createIndex("compound_profiles_path", on: CompoundProfile.schema, ["node_path"], db: db)
        try await db.schema(CompoundTierChange.schema).id()
            .field("compound_id", .uuid, .required).field("node_path", .path(on: db), .required)
            .field("from_tier", .string).field("to_tier", .string, .required).field("reason", .string, .required)
            .field("actor_id", .uuid).field("actor_name", .string, .required).field("at", .datetime, .required)
            .create()
        try await createIndex("compound_tier_changes_compound", on: CompoundTierChange.schema, ["compound_id", "at"], db: db)
        try await db.schema(ImprovementTask.schema).id()
            .field("compound_id", .uuid, .required).field("node_path", .path(on: db), .required)
            .field("tier_change_id", .uuid).field("title", .string, .required).field("owner", .string, .required)
            .field("due_day", .string, .required).field("done_at", .datetime).field("done_by", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("compound_tasks_compound", on: ImprovementTask.schema, ["compound_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        for s in [ImprovementTask.schema, CompoundTierChange.schema, CompoundProfile.schema, PropertyStaffLink.schema,
                  PropertyContract.schema, PropertyCompany.schema] { try await db.schema(s).delete() }
    }
}

/// Fee items, household facts, bills (unique per household, item and period), payments, dunning notices.
struct M031CreatePropertyFees: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(FeeItem.schema).id()
            .field("company_id", .uuid, .required, .references(PropertyCompany.schema, "id"))
            .field("name", .string, .required).field("basis", .string, .required).field("unit_fen", .int, .required)
            .field("active", .bool, .required).create()
        try await db.schema(HouseholdFacts.schema).id()
            .field("household_id", .uuid, .required, .references(Household.schema, "id", onDelete: .cascade))
            .field("node_path", .path(on: db), .required)
            .field("area_centi_m2", .int, .required).field("parking_spaces", .int, .required)
            .unique(on: "household_id").create()
        try await createIndex("household_facts_path", on: HouseholdFacts.schema, ["node_path"], db: db)
        try await db.schema(PropertyBill.schema).id()
            .field("company_id", .uuid, .required).field("compound_id", .uuid, .required)
            .field("household_id", .uuid, .required, .references(Household.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("fee_item_id", .uuid, .required, .references(FeeItem.schema, "id"))
            .field("item_name", .string, .required).field("period", .string, .required)
            .field("amount_fen", .int64, .required).field("paid_fen", .int64, .required)
            .field("due_day", .string, .required).field("status", .string, .required).field("created_at", .datetime, .required)
            .unique(on: "household_id", "fee_item_id", "period").create()
        try await createIndex("property_bills_path", on: PropertyBill.schema, ["node_path", "period"], db: db)
        try await createIndex("property_bills_company", on: PropertyBill.schema, ["company_id", "period"], db: db)
        try await createIndex("property_bills_compound", on: PropertyBill.schema, ["compound_id", "period"], db: db)
        try await db.schema(PropertyPayment.schema).id()
            .field("bill_id", .uuid, .required, .references(PropertyBill.schema, "id"))
            .field("household_id", .uuid, .required).field("company_id", .uuid, .required)
            .field("node_path", .path(on: db), .required)
            .field("amount_fen", .int64, .required).field("method", .string, .required).field("reference", .string)
            .field("receipt_no", .string, .required).field("reverses_id", .uuid).field("reversed_by_id", .uuid)
            .field("reason", .string).field("actor_id", .uuid).field("actor_name", .string, .required)
            .field("payer_kind", .string, .required).field("at", .datetime, .required)
            .unique(on: "receipt_no").unique(on: "reverses_id").create()
        try await createIndex("property_payments_bill", on: PropertyPayment.schema, ["bill_id"], db: db)
        try await createIndex("property_payments_household", on: PropertyPayment.schema, ["household_id", "at"], db: db)
        try await db.schema(DunningNotice.schema).id()
            .field("household_id", .uuid, .required).field("company_id", .uuid, .required)
            .field("node_path", .path(on: db), .required)
            .field("arrears_fen", .int64, .required).field("bills", .int, .required)
            .field("actor_name", .string, .required).field("at", .datetime, .required).create()
        try await createIndex("property_dunning_household", on: DunningNotice.schema, ["household_id", "at"], db: db)
    }

    func revert(on db: any Database) async throws {
        for s in [DunningNotice.schema, PropertyPayment.schema, PropertyBill.schema, HouseholdFacts.schema, FeeItem.schema] {
            try await db.schema(s).delete()
        }
    }
}

/// Inspections, residents' ratings, scoring rules, published months; and the complaint category (物业投诉) that goes to the community.
struct M032CreatePropertyRatings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(InspectionItem.schema).id()
            .field("code", .string, .required).field("name", .string, .required)
            .field("max_points", .int, .required).field("active", .bool, .required)
            .unique(on: "code").create()
        for d in InspectionItem.defaults {
            let item = InspectionItem()
            item.code = d.code
            item.name = d.name
            item.maxPoints = d.points
            item.active = true
            try await item.create(on: db)
        }
        try await db.schema(PropertyInspection.schema).id()
            .field("compound_id", .uuid, .required).field("company_id", .uuid).field("node_path", .path(on: db), .required)
            .field("month", .string, .required).field("scores", .string, .required)
            .field("total", .int, .required).field("max_total", .int, .required).field("note", .string)
            .field("inspector", .string, .required).field("at", .datetime, .required)
            .unique(on: "compound_id", "month").create()
        try await db.schema(ResidentCompanyRating.schema).id()
            .field("company_id", .uuid, .required).field("compound_id", .uuid, .required)
            .field("node_path", .path(on: db), .required).field("user_id", .uuid, .required)
            .field("month", .string, .required).field("stars", .int, .required).field("comment", .string)
            .field("at", .datetime, .required)
            .unique(on: "user_id", "company_id", "month").create()
        try await createIndex("property_ratings_company", on: ResidentCompanyRating.schema, ["company_id", "month"], db: db)
        try await db.schema(ScoringConfigRecord.schema).id()
            .field("county_path", .string, .required).field("config", .string, .required)
            .field("updated_by", .string, .required).field("updated_at", .datetime, .required)
            .unique(on: "county_path").create()
        try await db.schema(RatingMonth.schema).id()
            .field("county_path", .string, .required).field("month", .string, .required).field("config", .string, .required)
            .field("published_by", .string, .required).field("published_at", .datetime, .required)
            .unique(on: "county_path", "month").create()
        try await db.schema(RatingRow.schema).id()
            .field("month_id", .uuid, .required, .references(RatingMonth.schema, "id"))
            .field("level", .string, .required).field("company_id", .uuid, .required).field("compound_id", .uuid)
            .field("name", .string, .required).field("score_tenths", .int, .required).field("stars", .int, .required)
            .field("list", .string, .required).field("rank", .int, .required).field("inputs", .string, .required)
            .create()
        try await createIndex("property_rating_rows_month", on: RatingRow.schema, ["month_id", "level", "rank"], db: db)
        try await PropertyCatalog.installComplaintCategory(on: db)
    }

    func revert(on db: any Database) async throws {
        for s in [RatingRow.schema, RatingMonth.schema, ScoringConfigRecord.schema, ResidentCompanyRating.schema,
                  PropertyInspection.schema, InspectionItem.schema] { try await db.schema(s).delete() }
    }
}

enum PropertyCatalog {
    /// Case categories about property work (the company's queue and its case rates).
    static let serviceCategory = "wuye"
    /// A complaint about the company itself: handled by the community, never by the company.
    static let complaintCategory = "wuye_tousu"

    static func installComplaintCategory(on db: any Database) async throws {
        guard try await CaseCategory.query(on: db).filter(\.$code == complaintCategory).first() == nil else { return }
        let c = CaseCategory()
        c.code = complaintCategory
        c.name = "投诉物业企业"
        c.defaultLevelRaw = HandlerLevel.community.rawValue
        c.defaultDepartmentID = try await Department.query(on: db).filter(\.$code == "zhujian").first()?.id
        c.responseHours = 8
        c.resolutionHours = 120
        c.workingHours = true
        c.autoEscalate = true
        c.active = true
        try await c.create(on: db)
    }
}

/// Collection rates read a window of periods across a whole county: an index that holds every column they sum,
/// in period then compound order, answers them without touching the table or sorting.
struct M056AddBillCollectionIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await createIndex("property_bills_period_cover", on: PropertyBill.schema,
                              ["period", "compound_id", "status", "node_path", "company_id", "amount_fen", "paid_fen"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.sql.drop(index: "property_bills_period_cover").run() }
}
