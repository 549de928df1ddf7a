import Fluent
import JingzhiCore
import SQLKit

/// Every migration, in number order: a new database runs them so, an existing one runs those it lacks. Append only:
/// never edit one that has shipped.
enum Migrations {
    static let all: [any Migration] = [
        M001CreateOrgNodes(),                         // the org and grid tree with materialised paths
        M002CreateUsers(),                            // accounts bound to nodes
        M003CreateSessions(),                         // web sessions
        M004CreateAPITokens(),                        // bearer tokens (hashed)
        M005CreateLoginThrottles(),                   // failed-login counters
        M006CreateAuditLog(),                         // who changed what
        M007CreateGridWorkers(),                      // workers on a grid's public sign
        M008CreateHouseholds(),                       // households in buildings
        M009CreateResidents(),                        // the resident register
        M010CreateResidentTags(),                     // special-group tags, indexed by path
        M011CreateVisits(),                           // door-knocking visits
        M012CreateLinkRequests(),                     // residents linking their account to a household
        M013CreateDepartments(),                      // county departments that answer escalated cases
        M014CreateCaseCategories(),                   // the category tree with default handlers and deadlines
        M015CreateCases(),                            // residents' requests and patrol events
        M016CreateCaseEvents(),                       // each case's history
        M017CreateIdempotencyKeys(),                  // safe retries of submissions
        M018SeedCaseCatalog(),                        // the starting categories and departments
        M019CreateNotifications(),                    // in-app notifications
        M020CreateAPIKeys(),                          // Open311 api keys
        M021CreateCasePhotos(),                       // photos of cases
        M022CreateCaseTallies(),                      // running totals and duration bins behind the case measures
        M023IndexCasesForMeasures(),                  // open cases under a node
        M024AddUserDepartmentAndSessionVersion(),     // department staff tied to their department; sessions end with a password change
        M025CreateCaseHandlings(),                    // every unit that has handled a case, for who may read it
        M030CreatePropertyCompanies(),                // property companies, contracts, staff links, compound class and tier
        M031CreatePropertyFees(),                     // fee items, bills, payments, dunning notices
        M032CreatePropertyRatings(),                  // inspections, residents' ratings, scoring rules, published months
        M040CreatePatrols(),                          // grid workers' patrols, one open per worker
        M041CreatePatrolFixes(),                      // patrol tracks: position fixes with flags
        M042CreatePatrolCheckins(),                   // building check-ins on patrol
        M043CreatePatrolEvents(),                     // events reported on patrol, linked to their cases
        M044CreateVisitPlans(),                       // care-visit plans by resident tag and period
        M045AddVisitCase(),                           // the case a visit raised
        M050AddCasesCreatedCoveringIndex(),           // command centre: a month of a city read from one index
        M051AddOpenCasesCoveringIndex(),              // measures and command centre: a period's open cases and their deadlines
        M052CreateLifecycleEvents(),                  // the shared history of lifecycles that keep none of their own
        M053AddPropertyLifecycles(),                  // versions on contracts, bills and tasks; a task state
        M054AddLinkRequestVersion(),                  // link requests decided through their lifecycle
        M055AddAPIKeyArea(),                          // the area an Open311 api_key serves
        M056AddBillCollectionIndex(),                 // collection rates of a county read from one covering index
        // M057–M059 were never used; M060–M064 are the points ledger's (issue 15), M065–M069 deliberation's (issue 14).
        M060CreatePointsAccounts(),                   // points accounts: issuing, supermarket, expiry per community; one per resident
        M061CreatePointsEntries(),                    // the double-entry points ledger, append only, awards unique by source
        M062CreatePointsGoods(),                      // the points supermarket's goods with stock and monthly limits
        M063CreatePointsRedemptions(),                // redemptions holding points and stock, with their 核销码
        M064CreateVolunteerActivities(),              // volunteer activities and their sign-ups, waiting lists, attendances
        M065CreateTopics(),                           // deliberation topics, supports (one per resident), their cases, settings per community
        M066CreateMeetingsAndVotes(),                 // deliberation meetings and agendas, votes, ballots (one per household), secret choices
        M067CreateMeetingMinutes(),                   // meeting minutes in versions with their 公示 period, objections (one per resident)
        M068CreateConsultationItems(),                // a decided topic's consultation items, their progress notes, the item a topic case carries out
        M069CreateTopicEvaluations(),                 // residents' ratings of a topic's outcome, one per resident
        M070AddMeetingCapacity(),                     // a deliberation meeting's capacity and check-in secret; the property company voting as a body
        M071CreateMeetingAttendance(),                // registration and attendance of deliberation meetings, one per resident
        M072AddDeliberationPoints(),                  // points a community pays for an accepted topic and for rating an outcome
        M073CreateVolunteers(),                       // volunteer teams, registrations (one per resident) and posts to claim
        M074AddActivityConditions(),                  // activities: reserved seats, tags and ages, organising team; offers to the promoted
        M075CreatePointsRules(),                      // earning rules per community and path: points per event, monthly caps per resident
        M076CreatePointsExpiryRuns(),                 // the yearly points expiry's runs, one per year
        M077CreateNotices(),                          // notices and the subtrees (with resident tags) each is sent to
        M078CreateNoticeRecipients(),                 // one row per person a published notice reached: read, acknowledged, delivered in person
        M079CreateNoticeAttachments(),                // pictures and PDFs attached to notices
        M080CreateOutboundMessages(),                 // text messages queued with their delivery log; opt-outs
        M081CreateHomePreferences(),                  // each account's care mode (长辈模式)
        M082CreateDevices(),                          // smart devices, vendor gateway keys, each device's health
        M083CreateDeviceReadings(),                   // readings unique per device, metric and time; hourly aggregates; each metric's last state
        M084CreateDeviceRulesAndAlarms(),             // alarm rules (county defaults, community overrides) and alarms, one active per device and rule
        M085CreatePartners(),                         // partners of five kinds with agreements and review state; party members (双报到)
        M086CreatePartnerLists(),                     // needs, resources, projects and their matches (committed, delivered)
        M087CreateWishes(),                           // micro-wishes, claims with deadlines, photo proofs
        M088CreateServiceLogs(),                      // service logged by partners and party members
        M089CreatePartnerEvaluations(),               // partners' annual evaluations on the checklist, one per year and evaluator
        M090CreateAssessmentSystems(),                // assessment: indicator systems, one row per version
        M091CreateAssessmentRounds(),                 // assessment rounds: a frozen system version per period and subtree; corrections are revisions
        M092CreateAssessmentResults(),                // assessment: each unit's review step, total, dimensions and rank
        M093CreateAssessmentEntries(),                // assessment: numerator/denominator or hand scores per unit and indicator
        M094CreateAssessmentEvidence(),               // assessment: photos and PDFs backing hand scores
        M095CreateServiceApplications(),              // service matters (一窗受理), residents' applications and their material photos
        M096CreateServicePlaces(),                    // the 15-minute services directory: places, their closed days, public holidays and 调休
        M097CreateCanteen(),                          // community canteens, menus per day and meal with prices per diner type, orders and deliveries
        M100AddPointsDailyCap(),                      // earning rules' cap per resident and day
        M101AddPiiAccessLog(),                        // the PIPL log of who was shown unmasked ID numbers and phones
        M104AddResidentRetention(),                   // why a resident left, when their personal data was anonymised; the retention setting
        M105CreateExportJobs(),                       // long exports run in the background: state, progress, the finished file
        M107CreateOrgTreeVersion(),                   // the org tree's version, shared by every server (command centre caches)
        M108CreateOpen311Hits(),                      // Open311 submissions per api_key in the rate window, shared by every server
        M110CreateTopicPhotos(),                      // photos residents attach to the topics they raise
        M111AddVotePointsAndTopicOrigin(),            // points a community pays for each ballot; where a topic was raised from
        M112AddPropertyEvaluationVotes(),             // 议事会 votes evaluating the property company; their results in the property rating
        M113AddActivityPartner(),                     // volunteer activities a partner organises (its id and name)
        M114AddGoodsDonor(),                          // supermarket goods a partner donated (its id and name); none: bought by the community
        M116AddCaseReporterPhoneIndex(),              // cases by reporter phone, for erasing a moved-away resident's phone
        M120AddServiceMatterScope(),                  // a community's or street's own matters (事项) in the 一窗受理 catalogue
        M121CreateGoodsPhotos(),                      // pictures of the points supermarket's goods
        M122CreateTaskClaims(),                       // 三领: claimable needs (small requests); partners' and party members' claims of posts and requests
        M123AddNeedReview(),                          // needs residents raise (reviewed first), for whom as a group by tag
        M124AddWishThanksBy(),                        // who wrote a wish's thanks: the resident, or staff on their behalf
        M125AddPartyMemberEnd(),                      // 双报到 registrations ended with a reason, kept in the record
        M126CreateJointMeetings(),                    // the monthly joint meetings (联席会议): date, attendees, projects reviewed, minutes
        M132DropNoticeRecipientUnique(),              // notice recipients without the per-person unique index; receipts counted from the path index
        M133AddWishClaimHours(),                      // a wish claimer's hours and the service log written when staff confirm
        M134CreateProjectPhotos(),                    // photos of a project's progress
        M137DropDeviceStatusSeenIndex(),              // device status without the last-seen index a reading batch moved per device
        M139CaseHandlingsPerAssignment(),             // a case's handling rows per assignment (A → B → A counts for A again)
        // next: M140 (M106, M109, M115, M117-M119, M127-M131 unused; M135, M136, M138 unused). Numbers only grow: a new migration takes the next one, whatever feature it serves.

    ]
}

struct M001CreateOrgNodes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(OrgNode.schema)
            .id()
            .field("parent_id", .uuid, .references(OrgNode.schema, "id"))
            .field("kind", .string, .required)
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("path", .path(on: db), .required)
            .field("segment", .string, .required)
            .field("depth", .int, .required)
            .field("boundary", .string)
            .field("address", .string)
            .field("party_org_name", .string)
            .field("party_secretary", .string)
            .field("party_contact", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .unique(on: "path")
            .create()
        try await createIndex("org_nodes_parent", on: OrgNode.schema, ["parent_id", "path"], db: db)
        try await createIndex("org_nodes_kind_path", on: OrgNode.schema, ["kind", "path"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(OrgNode.schema).delete() }
}

struct M002CreateUsers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(User.schema)
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("node_id", .uuid, .references(OrgNode.schema, "id"))
            .field("phone", .string)
            .field("resident_id", .uuid)
            .field("active", .bool, .required)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "username")
            .create()
        try await createIndex("users_node", on: User.schema, ["node_id"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(User.schema).delete() }
}

struct M003CreateSessions: AsyncMigration {
    func prepare(on db: any Database) async throws { try await SessionRecord.migration.prepare(on: db).get() }
    func revert(on db: any Database) async throws { try await SessionRecord.migration.revert(on: db).get() }
}

struct M004CreateAPITokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(APIToken.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(APIToken.schema).delete() }
}

struct M005CreateLoginThrottles: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(LoginThrottle.schema)
            .id()
            .field("key", .string, .required)
            .field("failures", .int, .required)
            .field("locked_until", .datetime)
            .field("last_failure_at", .datetime, .required)
            .unique(on: "key")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(LoginThrottle.schema).delete() }
}

struct M006CreateAuditLog: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AuditEntry.schema)
            .id()
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .uuid)
            .field("node_path", .path(on: db), .required)
            .field("ip", .string, .required)
            .field("summary", .string, .required)
            .field("changes", .string)
            .create()
        try await createIndex("audit_path_at", on: AuditEntry.schema, ["node_path", "at"], db: db)
        try await createIndex("audit_entity", on: AuditEntry.schema, ["entity_id"], db: db)
        try await createIndex("audit_at", on: AuditEntry.schema, ["at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(AuditEntry.schema).delete() }
}

struct M007CreateGridWorkers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(GridWorker.schema)
            .id()
            .field("grid_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("user_id", .uuid, .references(User.schema, "id"))
            .field("name", .string, .required)
            .field("phone", .string, .required)
            .field("duty", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await createIndex("grid_workers_grid", on: GridWorker.schema, ["grid_id"], db: db)
        try await createIndex("grid_workers_path", on: GridWorker.schema, ["node_path"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(GridWorker.schema).delete() }
}

struct M008CreateHouseholds: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Household.schema)
            .id()
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("room", .string, .required)
            .field("address", .string, .required)
            .field("occupancy", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "node_id", "room")
            .create()
        try await createIndex("households_path", on: Household.schema, ["node_path"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(Household.schema).delete() }
}

struct M009CreateResidents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Resident.schema)
            .id()
            .field("household_id", .uuid, .required, .references(Household.schema, "id"))
            .field("node_id", .uuid, .required)
            .field("node_path", .path(on: db), .required)
            .field("name", .string, .required)
            .field("gender", .string, .required)
            .field("birth_date", .string)
            .field("id_number", .string)
            .field("phone", .string)
            .field("relation", .string, .required)
            .field("tags", .string, .required)
            .field("note", .string)
            .field("import_key", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "id_number")
            .unique(on: "import_key")
            .create()
        try await createIndex("residents_path", on: Resident.schema, ["node_path", "id"], db: db)
        // Lets "how many live residents under this node" be answered from the index alone.
        try await createIndex("residents_path_live", on: Resident.schema, ["node_path", "deleted_at"], db: db)
        try await createIndex("residents_household", on: Resident.schema, ["household_id"], db: db)
        try await createIndex("residents_phone", on: Resident.schema, ["phone"], db: db)
        try await createIndex("residents_name", on: Resident.schema, ["name"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(Resident.schema).delete() }
}

struct M010CreateResidentTags: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ResidentTag.schema)
            .id()
            .field("resident_id", .uuid, .required, .references(Resident.schema, "id", onDelete: .cascade))
            .field("tag", .string, .required)
            .field("node_path", .path(on: db), .required)
            .unique(on: "resident_id", "tag")
            .create()
        try await createIndex("resident_tags_tag_path", on: ResidentTag.schema, ["tag", "node_path", "resident_id"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(ResidentTag.schema).delete() }
}

struct M011CreateVisits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Visit.schema)
            .id()
            .field("household_id", .uuid, .required, .references(Household.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("visitor_id", .uuid)
            .field("visitor_name", .string, .required)
            .field("visited_on", .string, .required)
            .field("kind", .string, .required)
            .field("notes", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await createIndex("visits_household", on: Visit.schema, ["household_id", "visited_on"], db: db)
        try await createIndex("visits_path", on: Visit.schema, ["node_path", "visited_on"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(Visit.schema).delete() }
}

struct M012CreateLinkRequests: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(LinkRequest.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("room", .string, .required)
            .field("name", .string, .required)
            .field("status", .string, .required)
            .field("resident_id", .uuid)
            .field("decided_by", .uuid)
            .field("decision_note", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await createIndex("link_requests_path", on: LinkRequest.schema, ["status", "node_path"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(LinkRequest.schema).delete() }
}
