import Fluent
import JingzhiCore
import Vapor

/// Open311 GeoReport v2 on top of our cases (诉求), at `/open311/v2/…` with discovery at `/open311/discovery.{json,xml}`.
///
/// - services = active case categories (`service_code` = category code);
/// - service requests = cases (`service_request_id` = case number, status open/closed from `CaseState.isOpen`);
/// - reading is public, as the specification intends, and never shows who reported; submitting needs an `api_key`
///   (`jingzhi apikey create --name …`) and is rate-limited per key.
/// Errors are answered in the specification's shape: `[{"code":403,"description":"…"}]` or `<errors><error>…`.
enum Open311API {
    static let specification = "http://wiki.open311.org/GeoReport_v2"
    /// When the service list or a service definition last changed shape; bump it with `Open311Attributes`.
    static let changeset = "2026-11-26T00:00:00+08:00"
    /// Most requests one `GET requests` answers, and the widest date window it accepts.
    static let maxRequests = 1000
    static let maxWindow: TimeInterval = 90 * 86400

    static func register(_ app: Application) {
        app.open311RateLimiter = Open311RateLimiter(limit: 60, window: 60)
        let root = app.grouped("open311").grouped(Open311ErrorMiddleware())
        let v2 = root.grouped("v2")
        for format in Open311Format.allCases {
            let ext = format.rawValue
            root.get("discovery.\(ext)") { req in try await discovery(req, format) }
            v2.get("services.\(ext)") { req in try await services(req, format) }
            v2.get("requests.\(ext)") { req in try await requests(req, format) }
            v2.on(.POST, "requests.\(ext)", body: .collect(maxSize: "256kb")) { req in try await submit(req, format) }
        }
        v2.get("services", ":file") { req in try await serviceDefinition(req) }
        v2.get("requests", ":file") { req in try await request(req) }
        v2.get("tokens", ":file") { req in try await token(req) }
        // Anything else under /open311 gets a 404 in the specification's error shape.
        for method in [HTTPMethod.GET, .POST] {
            root.on(method, "**") { req -> Response in
                throw APIError(.notFound, code: "not_found", "没有这个 Open311 资源 (no such Open311 resource: \(req.url.path))")
            }
        }
    }

    /// `{name}.{json|xml}` from the last path component, or 404.
    static func file(_ req: Request) throws -> (name: String, format: Open311Format) {
        guard let raw = req.parameters.get("file"), let split = Open311Format.split(raw) else {
            throw APIError(.notFound, code: "unknown_format", "请以 .json 或 .xml 结尾 (resource must end in .json or .xml)")
        }
        return split
    }

    // MARK: Discovery and services

    @Sendable static func discovery(_ req: Request, _ format: Open311Format) async throws -> Response {
        let value = Open311Value.object([
            ("changeset", .text(changeset)),
            ("contact", .text("精治 Jingzhi 平台管理员；诉求办理进度请以 service_request_id 查询 (contact the platform administrator)")),
            ("key_service", .text("api_key 由平台管理员签发：jingzhi apikey create --name 名称 (api keys are issued by the platform administrator)")),
            ("endpoints", .list(item: "endpoint", [.object([
                ("specification", .text(specification)),
                ("url", .text("\(req.publicBase)/open311/v2")),
                ("changeset", .text(changeset)),
                ("type", .text("production")),
                ("formats", .list(item: "format", [.text("text/xml"), .text("application/json")])),
            ])])),
        ])
        return Open311Document(root: "discovery", value: value).response(format)
    }

    @Sendable static func services(_ req: Request, _ format: Open311Format) async throws -> Response {
        let rows = try await Open311Services.active(on: req.db)
        let value = Open311Value.list(item: "service", rows.map { Open311Services.service($0.category, parent: $0.parent) })
        return Open311Document(root: "services", value: value).response(format)
    }

    @Sendable static func serviceDefinition(_ req: Request) async throws -> Response {
        let (code, format) = try file(req)
        guard let category = try await Open311Services.find(code, on: req.db) else { throw Open311Services.unknown(code) }
        return Open311Document(root: "service_definition", value: Open311Services.definition(category)).response(format)
    }

    // MARK: Reading requests

    @Sendable static func requests(_ req: Request, _ format: Open311Format) async throws -> Response {
        var f = Open311Fields()
        if let query = req.url.query { f.addForm(query) }
        var q = Case.query(on: req.db).filter(\.$categoryCode !~ (try await CaseCatalog.privateCodes(on: req.db)))
        if let raw = f["service_request_id"] {
            // The specification: a list of ids overrides every other filter.
            let ids = list(raw)
            guard ids.count <= maxRequests else { throw bad("service_request_id 最多 \(maxRequests) 个 (at most \(maxRequests) ids)") }
            q = q.filter(\.$number ~~ ids)
        } else {
            if let raw = f["service_code"] { q = q.filter(\.$categoryCode ~~ list(raw)) }
            if let raw = f["status"] {
                let wanted = Set(list(raw))
                guard !wanted.isEmpty, wanted.isSubset(of: ["open", "closed"]) else {
                    throw bad("status 须为 open 或 closed (status must be open or closed)")
                }
                if wanted.count == 1 {
                    let states = CaseState.allCases.filter { $0.isOpen == wanted.contains("open") }.map(\.rawValue)
                    q = q.filter(\.$stateRaw ~~ states)
                }
            }
            let (start, end) = try window(f, now: req.now)
            q = q.filter(\.$createdAt >= start).filter(\.$createdAt < end)
        }
        let cases = try await q.sort(\.$createdAt, .descending).sort(\.$number, .descending).limit(maxRequests).all()
        return try await requestsDocument(cases, req.db).response(format)
    }

    /// The `requested_datetime` window: at most 90 days; a missing end is filled so the window is 90 days,
    /// and with neither date it is the last 90 days.
    static func window(_ f: Open311Fields, now: Date) throws -> (Date, Date) {
        func date(_ name: String, endOfDay: Bool) throws -> Date? {
            guard let raw = f[name] else { return nil }
            guard let d = W3CDateTime.parse(raw, endOfDay: endOfDay) else {
                throw bad("\(name) 须为 W3C 日期时间，如 2026-11-25T00:00:00+08:00 (\(name) must be a W3C datetime such as 2026-11-25T00:00:00+08:00, got \(raw))")
            }
            return d
        }
        let start = try date("start_date", endOfDay: false), end = try date("end_date", endOfDay: true)
        switch (start, end) {
        case let (s?, e?):
            guard s <= e else { throw bad("start_date 不能晚于 end_date (start_date is after end_date)") }
            guard e.timeIntervalSince(s) <= maxWindow else { throw bad("日期范围不能超过 90 天 (the date range may not span more than 90 days)") }
            return (s, e)
        case let (s?, nil): return (s, s.addingTimeInterval(maxWindow))
        case let (nil, e?): return (e.addingTimeInterval(-maxWindow), e)
        case (nil, nil): return (now.addingTimeInterval(-maxWindow), now.addingTimeInterval(86400))
        }
    }

    @Sendable static func request(_ req: Request) async throws -> Response {
        let (id, format) = try file(req)
        guard let c = try await Case.query(on: req.db).filter(\.$number == id).filter(\.$categoryCode !~ (try await CaseCatalog.privateCodes(on: req.db))).first() else {
            throw APIError(.notFound, code: "not_found", "未找到服务请求 \(id) (service request \(id) not found)")
        }
        return try await requestsDocument([c], req.db).response(format)
    }

    /// We create requests at once, so a token (the case's id, returned by POST) maps straight to its number.
    @Sendable static func token(_ req: Request) async throws -> Response {
        let (token, format) = try file(req)
        let hidden = try await CaseCatalog.privateCodes(on: req.db)
        guard let id = UUID(uuidString: token),
              let c = try await Case.query(on: req.db).filter(\.$id == id).filter(\.$categoryCode !~ hidden).first() else {
            throw APIError(.notFound, code: "not_found", "未找到令牌 \(token) (token \(token) not found)")
        }
        let value = Open311Value.list(item: "request", [.object([("service_request_id", .text(c.number)), ("token", .text(token))])])
        return Open311Document(root: "service_requests", value: value).response(format)
    }

    static func requestsDocument(_ cases: [Case], _ db: any Database) async throws -> Open311Document {
        Open311Document(root: "service_requests", value: .list(item: "request", try await Open311Requests(db: db).values(for: cases)))
    }

    // MARK: Submitting

    @Sendable static func submit(_ req: Request, _ format: Open311Format) async throws -> Response {
        let f = try Open311Fields.read(req)
        guard let key = try await APIKeyService(db: req.db, now: req.now).verify(f["api_key"]), let keyID = key.id else {
            throw APIError(.forbidden, code: "invalid_api_key", "api_key 缺失或无效 (a valid api_key is required to submit requests)")
        }
        if let wait = try await req.application.open311RateLimiter.hit(keyID, now: req.now, on: req.db) {
            var e = APIError(.tooManyRequests, code: "rate_limited", "提交过于频繁，请 \(wait) 秒后再试 (too many requests for this api_key; retry in \(wait) s)")
            e.headers.replaceOrAdd(name: .retryAfter, value: String(wait))
            throw e
        }
        guard let code = f["service_code"] else { throw bad("缺少 service_code (service_code is required)") }
        guard let category = try await Open311Services.find(code, on: req.db) else { throw Open311Services.unknown(code) }
        // GeoReport v2 makes description optional: without one the case says what service was asked for.
        let description = f["description"] ?? "【\(category.name)】"
        guard description.count <= 4000 else { throw bad("description 最多 4000 个字符 (description may hold at most 4,000 characters)") }
        var extra: [String] = []
        for attribute in Open311Attributes.of(category.code) {
            if let line = try attribute.answer(f.attributes[attribute.code]) { extra.append(line) }
        }
        if let address = f["address_string"], address.count > 200 { throw bad("address_string 最多 200 个字符 (address_string is too long)") }
        let area = try await APIKeyService(db: req.db, now: req.now).area(of: key)
        let location = try await Open311Location.resolve(f, area: area, on: req.db)
        var lead: [String] = []
        if location.unverified {
            lead.append("【地点待核实】未能按所报地址定位，暂归\(location.node.name)，请调度员核实地点")
        }
        if let address = f["address_string"] { extra.append("【地址】\(address)") }
        if let media = f["media_url"] {
            guard media.count <= 500, let url = URL(string: media), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw bad("media_url 须为 http(s) 网址 (media_url must be an http or https URL)")
            }
            extra.append("【图片】\(media)")
        }
        var phone: String?
        if let raw = f["phone"] {
            guard let valid = Validate.phone(raw) else { throw bad("电话号码无效 (phone is not a valid phone number)") }
            phone = valid
        }
        if let email = f["email"] {
            // Checked so a client learns of typos; we keep no e-mail addresses.
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
                throw bad("email 格式无效 (email is not a valid address)")
            }
        }
        let idempotencyKey = try req.headers.first(name: "Idempotency-Key").map { raw -> String in
            let k = raw.trimmingCharacters(in: .whitespaces)
            guard (1...150).contains(k.count) else { throw bad("Idempotency-Key 须为 1–150 个字符 (Idempotency-Key must be 1–150 characters)") }
            // Scoped by api key, so two clients choosing the same key never see each other's case.
            return "o311:\(keyID.uuidString):\(k)"
        }
        let submission = CaseSubmission(categoryCode: category.code, nodeID: location.node.id,
                                        description: (lead + [description] + extra).joined(separator: "\n"),
                                        latitude: location.latitude, longitude: location.longitude, channel: "open311",
                                        reporterName: f.reporterName, reporterPhone: phone, placeUnverified: location.unverified)
        let (c, created) = try await CaseService(req: req).submit(submission, by: nil, idempotencyKey: idempotencyKey)
        let due = [c.responseDueAt.map { "\(ShanghaiTime.format($0)) 前响应" }, c.resolutionDueAt.map { "\(ShanghaiTime.format($0)) 前办结" }]
            .compactMap { $0 }.joined(separator: "、")
        let notice = "已登记为诉求 \(c.number)" + (due.isEmpty ? "" : "，将于 \(due)") + (location.unverified ? "；地点待核实" : "")
            + " (received as case \(c.number)" + (c.resolutionDueAt.map { "; resolution due \(W3CDateTime.format($0))" } ?? "")
            + (location.unverified ? "; the address matched no place we know, a dispatcher will locate it" : "") + ")"
        let value = Open311Value.list(item: "request", [.object([
            ("service_request_id", .text(c.number)),
            ("token", .text(c.id?.uuidString)),
            ("service_notice", .text(notice)),
            ("account_id", .text(nil)),
        ])])
        return Open311Document(root: "service_requests", value: value).response(format, status: created ? .created : .ok)
    }

    // MARK: Helpers

    static func list(_ raw: String) -> [String] {
        raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func bad(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message) }
}

/// Answers every error under `/open311` in the specification's shape, in the format the path asks for.
/// Field errors (422 elsewhere in our API) are 400 here, as GeoReport v2 clients expect.
struct Open311ErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let api = JingzhiErrorMiddleware.describe(error)
            if api.status.code >= 500 { request.logger.reportSafely(error, "Open311API") }
            let status: HTTPResponseStatus = api.status == .unprocessableEntity ? .badRequest : api.status
            let value = Open311Value.list(item: "error", [.object([("code", .int(Int(status.code))), ("description", .text(api.message))])])
            return Open311Document(root: "errors", value: value).response(Open311Format.of(path: request.url.path), status: status, headers: api.headers)
        }
    }
}
