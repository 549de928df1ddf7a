import Foundation
import Fluent
import JingzhiCore
import Vapor

/// The result of an approved matter (e.g. 居住证明): a printable A4 page with its number and a QR code that opens the
/// public verification page, which shows only what a checker needs (number, title, masked holder, community, date).
enum ServiceCertificate {
    static func register(web: any RoutesBuilder, staff: any RoutesBuilder) {
        staff.get(SiteURL.Services.Pattern.certificate, use: page)
        web.get(SiteURL.Services.Pattern.verify, use: verifyPage)
    }

    struct Verified {
        let number: String
        let title: String
        let holder: String
        let community: String
        let issuedOn: String
    }

    /// What the public sees of the certificate of `token`, or nil for a token that is unknown.
    static func check(_ req: Request, token: String) async throws -> Verified? {
        guard let a = try await ServiceApplications(req: req).verify(token), a.state == .approved, let number = a.certificateNumber,
              let decided = a.decidedAt else { return nil }
        let matter = try await ServiceMatter.find(a.matterID, on: req.db)
        return Verified(number: number, title: matter?.certificateTitle ?? a.matterName, holder: Mask.name(a.residentName),
                        community: try await community(of: a, on: req.db), issuedOn: ShanghaiTime.format(decided, "yyyy-MM-dd"))
    }

    static func community(of a: ServiceApplication, on db: any Database) async throws -> String {
        guard let r = try await Resident.find(a.residentID, on: db), let node = try await OrgNode.find(r.nodeID, on: db) else { return "" }
        let chain = try await OrgService(db: db, now: Date()).ancestors(of: node)
        return chain.last { $0.kind == .community }?.name ?? node.name
    }

    @Sendable static func page(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let a = try await ServiceAccess.load(try req.idParameter(), for: actor, on: req.db)
        guard a.state == .approved, let number = a.certificateNumber, let token = a.verifyToken, let decided = a.decidedAt else {
            throw APIError.notFound
        }
        let matter = try await ServiceMatter.find(a.matterID, on: req.db)
        let title = matter?.certificateTitle ?? a.matterName
        let r = try await Resident.find(a.residentID, on: req.db)
        let h = try await r.asyncMap { try await Household.find($0.householdID, on: req.db) } ?? nil
        // The resident and the staff who keep the register print the full ID number; anyone else sees it masked.
        let fullID = ServiceAccess.isApplicant(a, actor) && actor.role == .resident || actor.role.seesFullIDNumber
        let idNumber = (fullID ? r?.idNumber : Mask.idNumber(r?.idNumber)) ?? "—"
        if let r, fullID, actor.user.residentID != r.id, r.idNumber?.isEmpty == false {
            actor.revealed("resident", id: r.id, path: r.nodePath, [.idNumber])
        }
        let community = try await community(of: a, on: req.db)
        let link = req.publicBase + SiteURL.Services.verify(token: token).path
        let qr = try? QRCode.encode(link).svg(moduleSize: 4, quietZone: 4, title: req.t("扫码核验证明 \(number)", "Scan to verify \(number)"))
        let lang = req.lang == .zh ? "zh-CN" : "en"
        return """
        <!doctype html>
        <html lang="\(lang)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · \(number)</title><link rel="stylesheet" href="\(SiteURL.stylesheet.path)">
        <script src="\(SiteURL.script.path)" defer></script>
        <style>@page{size:A4;margin:20mm}.certificate{max-width:170mm;margin:auto;font-size:1.15rem;line-height:2}
        .certificate h1{text-align:center;letter-spacing:.5em;font-size:2.2rem}.certificate .no{text-align:right}
        .certificate .sign{text-align:right;margin-top:3rem}.certificate .check{display:flex;gap:1rem;align-items:center;margin-top:2rem;font-size:.9rem}
        .certificate .check svg{width:30mm;height:30mm}@media print{.no-print{display:none}}</style></head>
        <body class="print"><p class="no-print actions"><button type="button" data-print>\(req.t("打印", "Print"))</button>
        <a href="\(SiteURL.Services.application(a.id!).path)">\(req.t("返回申请", "Back to the application"))</a></p>
        <main class="certificate" id="main">
        <h1>\(title)</h1>
        <p class="no">\(req.t("编号", "No.")) <b id="certificate-number">\(number)</b></p>
        <p>\(req.t("兹证明", "This certifies that")) <b>\(a.residentName)</b>（\(req.t("身份证号", "ID number"))：\(idNumber)），\(req.t("现居住于", "lives at")) \(h?.address ?? "—")。</p>
        <p>\(req.t("经本社区审核，其申请的「\(a.matterName)」（受理编号 \(a.number)）已于 \(ShanghaiTime.format(decided, "yyyy年M月d日")) 办结，情况属实，特此证明。",
                   "Having checked it, the community approved the application \(a.number) for \(a.matterName) on \(ShanghaiTime.format(decided, "yyyy-MM-dd")).")) </p>
        <p class="sign">\(community)<br>\(ShanghaiTime.format(decided, "yyyy年M月d日"))</p>
        <div class="check">\(qr.map { HTML(raw: $0) } ?? .empty)<p>\(req.t("扫描二维码或访问以下网址核验本证明真伪：", "Scan the code or open this address to verify:"))<br><span class="qr-url">\(link)</span></p></div>
        </main></body></html>
        """
    }

    @Sendable static func verifyPage(req: Request) async throws -> Response {
        let v = try await check(req, token: req.parameters.get("token") ?? "")
        let body: HTML = if let v {
            """
            <div class="card" id="verify-result"><p class="ok"><b>\(req.t("✓ 证明真实有效", "✓ This certificate is genuine"))</b></p>
            <dl class="props"><dt>\(req.t("证明编号", "Number"))</dt><dd>\(v.number)</dd><dt>\(req.t("证明类型", "Certificate"))</dt><dd>\(v.title)</dd>
            <dt>\(req.t("持证人", "Holder"))</dt><dd>\(v.holder)</dd><dt>\(req.t("出具单位", "Issued by"))</dt><dd>\(v.community)</dd>
            <dt>\(req.t("出具日期", "Issued on"))</dt><dd>\(v.issuedOn)</dd></dl></div>
            """
        } else {
            "<div class=\"card\" id=\"verify-result\"><p class=\"error\"><b>\(req.t("未找到该证明：可能是伪造的或链接有误。", "No such certificate: it may be forged, or the link is wrong."))</b></p></div>"
        }
        let html = Layout(req: req, title: req.t("证明核验", "Verify a certificate")).render(body)
        return try await html.encodeResponse(status: v == nil ? .notFound : .ok, for: req)
    }
}
