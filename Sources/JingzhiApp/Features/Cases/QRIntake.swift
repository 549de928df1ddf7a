import Fluent
import JingzhiCore
import Vapor

/// 扫码即办: each compound has a QR code whose link opens the submit page with the compound filled in.
/// Residents without an account give a phone number; such submissions are rate-limited per phone and per address.
enum QRIntake {
    static func register(web: any RoutesBuilder, staff: any RoutesBuilder) {
        typealias P = SiteURL.Cases.Pattern
        web.get(P.qrIntake, use: form)
        web.on(.POST, P.qrIntake, body: .collect(maxSize: "50mb"), use: submit)
        web.get(P.track, use: track)
        web.post(P.track, use: lookUp)
        staff.get(P.qrSheet, use: sheet)
    }

    static let perPhonePerHour = 5
    static let perAddressPerHour = 20

    static func compound(_ req: Request) async throws -> OrgNode {
        guard let code = req.parameters.get("code"),
              let node = try await OrgNode.query(on: req.db).filter(\.$code == code).first(),
              [.compound, .building].contains(node.kind) else { throw APIError.notFound }
        return node
    }

    struct AnonymousForm: Content {
        var categoryCode: String?
        var description: String?
        var phone: String?
        var name: String?
        var idempotencyKey: String?
        var photos: [File]?
    }

    static func page(_ req: Request, _ node: OrgNode, _ f: AnonymousForm, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let categories = try await CaseCategory.query(on: req.db).filter(\.$active == true).all()
        return try await Layout(req: req, title: req.t("扫码反映 · \(node.name)", "Report · \(node.name)")).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" class="card" enctype="multipart/form-data">\(Form.csrf(req))
          <input type="hidden" name="idempotencyKey" value="\(f.idempotencyKey ?? UUID().uuidString)">
          \(Form.select(req.t("问题类别", "Category"), name: "categoryCode", options: categories.map { ($0.code, $0.name) }, selected: f.categoryCode, includeBlank: req.t("请选择", "Choose")))
          \(Form.textarea(req.t("情况描述", "What is wrong"), name: "description", value: f.description))
          \(Form.field(req.t("手机号", "Mobile number"), name: "phone", value: f.phone, type: "tel", required: true, hint: req.t("用于回复和查询进度", "for the reply and to follow it")))
          \(Form.field(req.t("称呼（可选）", "Name (optional)"), name: "name", value: f.name))
          <label class="field"><span>\(req.t("拍照（可选，最多 9 张）", "Photos (optional, up to 9)"))</span>
          <input type="file" name="photos[]" accept="image/*" multiple capture="environment"></label>
          <button>\(req.t("提交", "Submit"))</button>
        </form>
        <p><a href="\(SiteURL.Accounts.login(next: SiteURL.Cases.new(node: node.id!).path).path)">\(req.t("已有账号？登录后提交", "Have an account? Log in first"))</a></p>
        """).encodeResponse(status: status, for: req)
    }

    @Sendable static func form(req: Request) async throws -> Response {
        let node = try await compound(req)
        if req.actor != nil { return req.redirect(to: SiteURL.Cases.new(node: node.id!).path) }
        return try await page(req, node, AnonymousForm(), error: nil)
    }

    @Sendable static func submit(req: Request) async throws -> Response {
        let node = try await compound(req)
        let f = try req.content.decode(AnonymousForm.self)
        do {
            guard let phone = f.phone.flatMap(Validate.phone), phone.count == 11 else {
                throw APIError.invalid("phone", "请填写 11 位手机号 (an 11-digit mobile number is required)")
            }
            try await limit("case:phone:" + phone, perHour: perPhonePerHour, req)
            try await limit("case:ip:" + req.clientIP, perHour: perAddressPerHour, req)
            let submission = CaseSubmission(categoryCode: f.categoryCode, nodeID: node.id, description: f.description, channel: "qr",
                                            reporterName: f.name.flatMap { $0.isEmpty ? nil : $0 }, reporterPhone: phone)
            let photos = try CasePhotos.check((f.photos ?? []).filter { $0.data.readableBytes > 0 }.map { Data(buffer: $0.data) })
            let (c, created) = try await CaseService(req: req).submit(submission, by: nil, idempotencyKey: f.idempotencyKey)
            if created, !photos.isEmpty { _ = try await CasePhotos.add(photos.map(\.0), to: c, by: nil, on: req.db, now: req.now) }
            remember(c.number, req)
            // The confirmation: the number to write down, where the case went and how to follow it.
            req.flash(req.t("已提交。您的诉求编号是 \(c.number)，请记下，凭编号和手机号可随时查询进度。",
                            "Submitted. Your case number is \(c.number): keep it, and follow the case with it and your phone."))
            return req.redirect(to: SiteURL.Cases.track(number: c.number).path)
        } catch let e as APIError where e.status.code < 500 {
            let res = try await page(req, node, f, error: req.words(e), status: e.status)
            for (name, value) in e.headers { res.headers.replaceOrAdd(name: name, value: value) }
            return res
        }
    }

    static func limit(_ key: String, perHour: Int, _ req: Request) async throws {
        try await RateLimit.hit(key, perHour: perHour, on: req.db, now: req.now,
                                message: "提交过于频繁，请稍后再试 (too many submissions; try again later)")
    }

    /// Case numbers this browser filed or looked up with the right phone: it may follow them without the phone again.
    static func remember(_ number: String, _ req: Request) {
        var seen = (req.session.data["track"] ?? "").split(separator: ",").map(String.init).filter { $0 != number }
        seen.append(number)
        req.session.data["track"] = seen.suffix(10).joined(separator: ",")
    }

    static func remembered(_ number: String, _ req: Request) -> Bool {
        (req.session.data["track"] ?? "").split(separator: ",").contains { $0 == number }
    }

    struct TrackForm: Content { var number: String?; var phone: String? }

    /// Progress of a case for someone without an account: the number, and the phone it was filed with. The phone is
    /// posted, never put in a URL (where history, logs and Referer headers would keep it).
    @Sendable static func track(req: Request) async throws -> Response {
        let number = ((try? req.query.get(String?.self, at: "number")) ?? nil)?.trimmingCharacters(in: .whitespaces) ?? ""
        if !number.isEmpty, remembered(number, req), let c = try await Case.query(on: req.db).filter(\.$number == number).first() {
            return try await trackPage(req, number: number, found: c, error: nil)
        }
        return try await trackPage(req, number: number, found: nil, error: nil)
    }

    @Sendable static func lookUp(req: Request) async throws -> Response {
        let f = try req.content.decode(TrackForm.self)
        let number = (f.number ?? "").trimmingCharacters(in: .whitespaces), phone = (f.phone ?? "").replacingOccurrences(of: " ", with: "")
        guard !number.isEmpty, !phone.isEmpty, number.count <= 40, phone.count <= 20 else {
            return try await trackPage(req, number: number, found: nil, error: req.t("请填写诉求编号和手机号", "Enter the case number and the phone"),
                                       status: .unprocessableEntity)
        }
        do {
            try await RateLimit.hit("track:ip:" + req.clientIP, perHour: 60, on: req.db, now: req.now,
                                    message: "查询过于频繁，请稍后再试 (too many look-ups; try again later)")
        } catch let e as APIError {
            let res = try await trackPage(req, number: number, found: nil, error: req.words(e), status: e.status)
            for (name, value) in e.headers { res.headers.replaceOrAdd(name: name, value: value) }
            return res
        }
        guard let c = try await Case.query(on: req.db).filter(\.$number == number).first(), c.reporterPhone == phone else {
            return try await trackPage(req, number: number, found: nil, error: req.t("没有找到与该手机号对应的诉求", "No case with that number and phone"),
                                       status: .notFound)
        }
        remember(c.number, req)
        return try await trackPage(req, number: number, found: c, error: nil)
    }

    static func trackPage(_ req: Request, number: String, found c: Case?, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        var body: [HTML] = ["""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Cases.track(number: nil).path)" class="card filters">\(Form.csrf(req))\(Form.field(req.t("诉求编号", "Case number"), name: "number", value: number, required: true))
        \(Form.field(req.t("手机号", "Phone"), name: "phone", value: nil, type: "tel", required: true))<button>\(req.t("查询", "Look up"))</button></form>
        """]
        if let c {
            let events = try await CaseService(req: req).history(of: c)
            body.append("""
            <div class="card"><p><b>\(c.number)</b> · \(req.lang.t(c.state.zh, c.state.en))</p><p>\(c.description)</p></div>
            <ul class="tree">\(events.map { e -> HTML in
                let s = CaseState(rawValue: e.toState)
                // Only what was written to the resident: the reply; staff notes stay inside.
                let note = CaseAccess.publicNoteActions.contains { $0.rawValue == e.action } ? e.note ?? "" : ""
                return "<li><span><b>\(s.map { req.lang.t($0.zh, $0.en) } ?? e.toState)</b> \(note)</span><span class=\"muted\">\(ShanghaiTime.format(e.at))</span></li>"
            })</ul>
            """)
        }
        return try await Layout(req: req, title: req.t("诉求进度", "Follow a case")).render(HTML(body)).encodeResponse(status: status, for: req)
    }

    /// A printable sheet of QR codes, one per compound under the node.
    @Sendable static func sheet(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let node = try await OrgNode.find(try req.idParameter(), within: actor.scope, on: req.db)
        let compounds = try await OrgNode.query(on: req.db).within(DataScope(rootPath: node.path))
            .filter(\.$kindRaw == NodeKind.compound.rawValue).sort(\.$path).limit(300).all()
        let base = req.publicBase
        let cells = try compounds.map { c -> HTML in
            let url = base + SiteURL.Cases.qrIntake(code: c.code).path
            let svg = try QRCode.encode(url, correction: .medium).svg(moduleSize: 4, quietZone: 4, title: c.name)
            // The short address is for a phone without a camera: typed in, it opens the same form.
            let short = url.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
            return """
            <figure class="qr">\(HTML(raw: svg))<figcaption><b>\(c.name)</b><br>\(req.t("小区编码", "Compound code")) <b class="mono">\(c.code)</b>
            <br><span class="mono qr-url">\(short)</span><br><small>\(req.t("扫码或输入网址即可反映", "Scan, or type the address, to report"))</small></figcaption></figure>
            """
        }
        return Layout(req: req, title: req.t("\(node.name) 扫码即办二维码", "QR codes for \(node.name)"), wide: true)
            .render("<p class=\"muted\">\(req.t("打印后张贴在小区门口和楼道。", "Print and post at gates and stairwells."))</p><div class=\"qr-sheet\">\(cells)</div>")
    }
}
