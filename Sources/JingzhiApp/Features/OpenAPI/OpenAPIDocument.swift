import JingzhiCore
import Vapor

/// The OpenAPI 3 description of `/api/v1`, served at `/openapi.json`. A test checks it lists every route.
enum OpenAPIDocument {
    static func register(_ app: Application) {
        app.get("openapi.json") { _ -> Response in
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(data: json))
        }
    }

    static let json: Data = try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])

    struct Op {
        let method: String
        let path: String
        let tag: String
        let summary: String
        var query: [(String, String, String)] = []   // name, type, description
        var body: String? = nil                      // schema name, or "csv"/"geojson"
        var response: String? = nil                  // schema name; nil = no content
        var status: Int = 200
        /// Another success status with the same body, e.g. 200 for a retry answered with the first result.
        var alsoStatus: Int? = nil
        var isPublic = false
    }

    static let ops: [Op] = [
        Op(method: "post", path: "/api/v1/auth/token", tag: "auth", summary: "Log in; returns a bearer token", body: "Credentials", response: "Token", isPublic: true),
        Op(method: "delete", path: "/api/v1/auth/token", tag: "auth", summary: "Log out (revoke this token)", status: 204),
        Op(method: "post", path: "/api/v1/auth/register", tag: "auth", summary: "Resident self-registration (rate-limited)", body: "Registration", response: "LinkRequest", status: 201, isPublic: true),
        Op(method: "post", path: "/api/v1/auth/password", tag: "auth", summary: "Change own password", body: "PasswordChange", status: 204),
        Op(method: "get", path: "/api/v1/me", tag: "auth", summary: "The signed-in user", response: "User"),
        Op(method: "get", path: "/api/v1/org/nodes", tag: "org", summary: "Children of a node (or the top of your scope)", query: [("parent", "string", "Node id or code")], response: "[OrgNode]"),
        Op(method: "post", path: "/api/v1/org/nodes", tag: "org", summary: "Create a node", body: "OrgNodeBody", response: "OrgNode", status: 201),
        Op(method: "get", path: "/api/v1/org/nodes/{id}", tag: "org", summary: "A node", response: "OrgNode"),
        Op(method: "patch", path: "/api/v1/org/nodes/{id}", tag: "org", summary: "Rename or edit a node", body: "OrgNodeBody", response: "OrgNode"),
        Op(method: "delete", path: "/api/v1/org/nodes/{id}", tag: "org", summary: "Delete an empty node", status: 204),
        Op(method: "get", path: "/api/v1/org/nodes/{id}/ancestors", tag: "org", summary: "Path from the root to the node", response: "[OrgNode]"),
        Op(method: "post", path: "/api/v1/org/nodes/{id}/move", tag: "org", summary: "Move a node and everything under it", body: "MoveBody", response: "OrgNode"),
        Op(method: "get", path: "/api/v1/org/nodes/{id}/boundary", tag: "org", summary: "Boundary as a GeoJSON Polygon", response: "geojson"),
        Op(method: "put", path: "/api/v1/org/nodes/{id}/boundary", tag: "org", summary: "Set the boundary (GeoJSON Polygon or Feature)", body: "geojson", response: "OrgNode"),
        Op(method: "get", path: "/api/v1/org/nodes/{id}/workers", tag: "org", summary: "Workers of a grid", response: "[GridWorker]"),
        Op(method: "post", path: "/api/v1/org/nodes/{id}/workers", tag: "org", summary: "Assign a worker to a grid", body: "GridWorkerBody", response: "GridWorker", status: 201),
        Op(method: "delete", path: "/api/v1/org/nodes/{id}/workers/{workerId}", tag: "org", summary: "Remove a worker from a grid", status: 204),
        Op(method: "get", path: "/api/v1/residents", tag: "residents", summary: "Search the register", query: residentFilters + paging, response: "PagedResidents"),
        Op(method: "post", path: "/api/v1/residents", tag: "residents", summary: "Register a resident in a household", body: "ResidentBody", response: "Resident", status: 201),
        Op(method: "get", path: "/api/v1/residents/tags", tag: "residents", summary: "The special-group tags", response: "[string]"),
        Op(method: "get", path: "/api/v1/residents/retention", tag: "residents", summary: "How many months the personal data of residents who moved away is kept, with counts (admins)", response: "Retention"),
        Op(method: "put", path: "/api/v1/residents/retention", tag: "residents", summary: "Set the months (1–120) personal data of residents who moved away is kept before it is anonymised (admins; audited)",
           body: "RetentionBody", response: "Retention"),
        Op(method: "post", path: "/api/v1/residents/export-jobs", tag: "residents",
           summary: "Start exporting the register as an .xlsx workbook in the background (the list's filters as query parameters); 202 with the job to poll",
           query: residentFilters, response: "ExportJob", status: 202),
        Op(method: "get", path: "/api/v1/residents/export-jobs/{id}", tag: "residents", summary: "An export's state and progress (only the person who asked)", response: "ExportJob"),
        Op(method: "get", path: "/api/v1/residents/export-jobs/{id}/download", tag: "residents",
           summary: "The finished workbook (only the person who asked; 409 not_ready before, 410 expired after a day)", response: "xlsx"),
        Op(method: "get", path: "/api/v1/residents/{id}", tag: "residents", summary: "A resident (masked per role)", response: "Resident"),
        Op(method: "patch", path: "/api/v1/residents/{id}", tag: "residents", summary: "Change a resident; empty string clears a field", body: "ResidentBody", response: "Resident"),
        Op(method: "delete", path: "/api/v1/residents/{id}", tag: "residents", summary: "Remove from the register (kept as deleted)", query: [("reason", "string", "Why")], status: 204),
        Op(method: "post", path: "/api/v1/residents/import", tag: "residents", summary: "Import CSV (UTF-8 or GB18030) or an .xlsx workbook; all-or-nothing unless skipInvalid",
           query: [("skipInvalid", "boolean", "Import the valid rows, skip the rest"), ("dryRun", "boolean", "Only validate"),
                   ("sheet", "string", "Sheet of a workbook to read (default: the first)")], body: "csv-or-xlsx", response: "ImportReport"),
        Op(method: "get", path: "/api/v1/residents/export", tag: "residents", summary: "Export CSV (UTF-8 with BOM) or, with format=xlsx, an .xlsx workbook; masked per role",
           query: residentFilters + [("format", "string", "csv (default) or xlsx")], response: "csv-or-xlsx"),
        Op(method: "get", path: "/api/v1/households", tag: "residents", summary: "Households", query: [("node", "string", "Subtree"), ("q", "string", "Address contains")] + paging, response: "PagedHouseholds"),
        Op(method: "post", path: "/api/v1/households", tag: "residents", summary: "Create a household in a building or unit", body: "HouseholdBody", response: "Household", status: 201),
        Op(method: "get", path: "/api/v1/households/{id}", tag: "residents", summary: "A household with members and visits", response: "Household"),
        Op(method: "get", path: "/api/v1/households/{id}/visits", tag: "residents", summary: "Visits to a household", response: "[Visit]"),
        Op(method: "post", path: "/api/v1/households/{id}/visits", tag: "residents", summary: "Log a door-knocking visit", body: "VisitBody", response: "Visit", status: 201),
        Op(method: "get", path: "/api/v1/users", tag: "accounts", summary: "Accounts in your scope", query: [("role", "string", "Role"), ("q", "string", "Username or name")] + paging, response: "PagedUsers"),
        Op(method: "post", path: "/api/v1/users", tag: "accounts", summary: "Create an account in your scope", body: "NewUser", response: "User", status: 201),
        Op(method: "patch", path: "/api/v1/users/{id}", tag: "accounts", summary: "Edit or (de)activate an account", body: "UserPatch", response: "User"),
        Op(method: "get", path: "/api/v1/link-requests", tag: "accounts", summary: "Residents' household link requests", query: [("status", "string", "pending (default), approved, rejected")] + paging, response: "PagedLinkRequests"),
        Op(method: "post", path: "/api/v1/link-requests/{id}/approve", tag: "accounts", summary: "Link the account to a resident", body: "Approval", response: "LinkRequest"),
        Op(method: "post", path: "/api/v1/link-requests/{id}/reject", tag: "accounts", summary: "Reject with a reason", body: "Rejection", response: "LinkRequest"),
        Op(method: "get", path: "/api/v1/audit", tag: "audit", summary: "Audit log in your scope",
           query: [("entity", "string", "Record type"), ("action", "string", "Action"), ("actor", "string", "Actor name contains"),
                   ("entityId", "string", "Record id"), ("from", "string", "YYYY-MM-DD"), ("to", "string", "YYYY-MM-DD")] + paging, response: "PagedAudit"),
        Op(method: "get", path: "/api/v1/case-categories", tag: "cases", summary: "Active case categories with default handler level and deadlines", response: "[CaseCategory]"),
        Op(method: "post", path: "/api/v1/cases", tag: "cases", summary: "Submit a case; an Idempotency-Key header makes retries return the first case (200)",
           body: "CaseSubmit", response: "Case", status: 201),
        Op(method: "get", path: "/api/v1/cases", tag: "cases", summary: "Cases in your scope (residents: their own)",
           query: [("queue", "string", "Staff work queue: to_accept, mine (my unit's open cases, nearest deadline first), to_rate, done; adds counts"),
                   ("state", "string", "State, or open / overdue"), ("mine", "string", "1: only cases my unit handles"),
                   ("q", "string", "Number, place name, caller's full phone or words"), ("category", "string", "Category code"),
                   ("channel", "string", "Intake channel"), ("handler", "string", "Handling unit: a level (street, community, grid, department, property), dept:<code> or node:<id>"), ("node", "string", "Subtree (id or code)"),
                   ("from", "string", "Received on or after, YYYY-MM-DD"), ("to", "string", "Received on or before, YYYY-MM-DD"),
                   ("unplaced", "boolean", "1: only cases accepted without a known place (Open311 address-only), 地点待核实")] + paging, response: "PagedCases"),
        Op(method: "get", path: "/api/v1/cases/{id}", tag: "cases", summary: "A case with its deadlines and history", response: "Case"),
        Op(method: "post", path: "/api/v1/cases/{id}/actions/{action}", tag: "cases",
           summary: "Move a case: accept, reject, dispatch, start, return, escalate, hand_back, reply, rate, close, merge, note. 409 when not allowed from its state or when `version` is stale",
           body: "CaseAction", response: "Case"),
        Op(method: "get", path: "/api/v1/measures/cases", tag: "measures",
           summary: "Case measures (响应率, 解决率, 满意率, on-time rate, share closed in the grid / community, hours, counts) of cases created in a period; definitions in docs/measures.md",
           query: caseMeasuresFilters, response: "CaseMeasures"),
        Op(method: "get", path: "/api/v1/measures/cases/breakdown", tag: "measures", summary: "The case measures per street, community, grid, category or month",
           query: [("by", "string", "street, community, grid, category or month")] + caseMeasuresFilters, response: "CaseMeasuresBreakdown"),
        Op(method: "post", path: "/api/v1/cases/{id}/photos", tag: "cases",
           summary: "Attach a photo (JPEG, PNG, WebP or HEIC by its bytes, at most 5 MB, 9 a case); body is the image", body: "image", response: "PhotoRef", status: 201),
        Op(method: "get", path: "/api/v1/cases/{id}/photos/{photoId}", tag: "cases", summary: "A photo of a case", response: "image"),
        Op(method: "post", path: "/api/v1/case-categories", tag: "cases", summary: "Create a category (admins)", body: "CaseCategoryBody", response: "CaseCategory", status: 201),
        Op(method: "patch", path: "/api/v1/case-categories/{code}", tag: "cases", summary: "Change a category's handler, deadlines or state (admins)", body: "CaseCategoryBody", response: "CaseCategory"),
        Op(method: "get", path: "/healthz", tag: "system", summary: "Liveness and database check", response: "Health", isPublic: true),
    ] + patrolOps + propertyOps + commandCentreOps + pointsOps + activityOps + volunteerOps + deliberationOps + deviceOps + noticeOps
        + partnerOps
        + serviceOps + placeOps + canteenOps + assessmentOps
        + personalDataLogOps

    static let paging: [(String, String, String)] = [("page", "integer", "1-based page, at most \(PageRequest.maxPage)"), ("per", "integer", "Page size, 1–100 (default 20)")]
    /// The range the server accepts for each integer query parameter; outside it the answer is 422.
    static let integerBounds: [String: ClosedRange<Int>] = ["page": 1...PageRequest.maxPage, "per": 1...100, "ageMin": 0...150, "ageMax": 0...150]
    static let residentFilters: [(String, String, String)] = [
        ("q", "string", "Name, phone, ID number (or their last digits) or address"), ("tag", "string", "Special-group tag"),
        ("node", "string", "Node id or code: only its subtree"), ("gender", "string", "男 or 女"),
        ("ageMin", "integer", "Minimum age"), ("ageMax", "integer", "Maximum age"),
    ]
}
