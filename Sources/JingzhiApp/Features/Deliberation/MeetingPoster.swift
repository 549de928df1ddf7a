import Fluent
import JingzhiCore
import Vapor

/// The meeting's A4 poster for the compound's notice board (议事会公告): time, place, agenda, and a QR code per topic
/// that opens the topic's public page on a phone. No site chrome; a print button that does not print.
enum MeetingPoster {
    static func register(_ staff: any RoutesBuilder) {
        staff.get(SiteURL.Deliberation.Pattern.poster, use: poster)
    }

    /// At most this many topics get a code; the rest are listed.
    static let codes = 4

    @Sendable static func poster(req: Request) async throws -> HTML {
        let actor = try TopicPages.participant(req)
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        let m = try await MeetingPage.load(req, actor)
        let agenda = try await TopicService(req: req).agenda(of: m)
        let byID = Dictionary(uniqueKeysWithValues: try await Topic.query(on: req.db).filter(\.$id ~~ agenda).all().map { ($0.id!, $0) })
        let topics = agenda.compactMap { byID[$0] }
        let community = try await OrgNode.find(m.communityID, on: req.db)?.name ?? ""
        let size = topics.count <= 1 ? 10 : 5
        let figures = topics.prefix(Self.codes).map { t -> HTML in
            let link = req.publicBase + SiteURL.Deliberation.timeline(t.id!).path
            let svg = try? QRCode.encode(link).svg(moduleSize: size, quietZone: 4, title: req.t("议题：\(t.title)", "Topic: \(t.title)"))
            return "<figure class=\"qr\">\(svg.map { HTML(raw: $0) } ?? .empty)<figcaption>\(t.title)<p class=\"qr-url\">\(link)</p></figcaption></figure>"
        }
        let list = topics.enumerated().map { i, t -> HTML in "<li>\(i + 1). \(t.title)</li>" }
        let when = ShanghaiTime.format(m.startsAt, "yyyy年M月d日 HH:mm")
        let lang = req.lang == .zh ? "zh-CN" : "en"
        return """
        <!doctype html>
        <html lang="\(lang)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(req.t("议事会公告", "Meeting notice")) · \(m.title)</title><link rel="stylesheet" href="\(SiteURL.stylesheet.path)">
        <script src="\(SiteURL.script.path)" defer></script>
        <style>@page{size:A4;margin:15mm}.poster{max-width:180mm;margin:auto;text-align:center}.poster h1{font-size:2.4rem;color:var(--red)}
        .poster .when{font-size:1.6rem;font-weight:700}.poster ol{list-style:none;padding:0;font-size:1.3rem;text-align:left;display:inline-block}
        .poster .qr-sheet{grid-template-columns:repeat(auto-fit,minmax(14rem,1fr))}@media print{.no-print{display:none}}</style></head>
        <body class="print"><p class="no-print actions"><button type="button" data-print>\(req.t("打印", "Print"))</button>
        <a href="\(SiteURL.Deliberation.meeting(m.id!).path)">\(req.t("返回会议", "Back to the meeting"))</a></p>
        <main class="poster" id="main">
        <p>\(community)</p>
        <h1>\(req.t("议事会公告", "Notice of a deliberation meeting"))</h1>
        <h2>\(m.title)</h2>
        <p class="when">\(req.t("时间", "When"))：\(when)</p>
        <p class="when">\(req.t("地点", "Where"))：\(m.place)</p>
        <h2>\(req.t("议题", "Agenda"))</h2>
        <ol>\(list.isEmpty ? [HTML("<li>\(req.t("议程另行通知", "Agenda to follow"))</li>")] : list)</ol>
        <p>\(req.t("欢迎居民朋友参加，共商小区大事。扫码查看议题的来龙去脉；登录精治可报名参会。", "Residents are welcome. Scan a code to follow a topic; sign in to Jingzhi to register."))</p>
        \(m.capacity.map { HTML("<p>\(req.t("名额 \($0) 人，额满为止。", "\($0) seats, first come first served."))</p>") } ?? .empty)
        <div class="qr-sheet">\(figures)</div>
        <p>\(req.t("公告日期", "Announced")) \(ShanghaiTime.format(m.announcedAt, "yyyy-MM-dd"))</p>
        </main>
        </body></html>
        """
    }
}
