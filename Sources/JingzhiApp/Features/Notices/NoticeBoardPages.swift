import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The public notice boards (公示栏) of communities and compounds, a public notice's page (no login, no personal
/// data), and the printable A4 poster with a QR code to the notice.
enum NoticeBoardPages {
    static func register(web: any RoutesBuilder, staff: any RoutesBuilder) {
        web.get(SiteURL.Notices.Pattern.board, use: board)
        web.get(SiteURL.Notices.Pattern.publicNotice, use: publicNotice)
        web.get(SiteURL.Notices.Pattern.publicAttachment, use: publicAttachment)
        staff.get(SiteURL.Notices.Pattern.poster, use: poster)
    }

    /// Live public notices aimed at the node, at a subtree above it, or (for a community's board) at a place inside it.
    static func live(on node: OrgNode, _ db: any Database, now: Date, limit: Int = 50) async throws -> [Notice] {
        let inside = DataScope.subtree(node.path, column: "t.node_path")
        let ids = try await db.sql.raw("SELECT DISTINCT t.notice_id AS id FROM \(ident: NoticeTarget.schema) t WHERE (" + inside
            + ") OR substr(\(bind: node.path), 1, length(t.node_path)) = t.node_path").all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        let rows = try await Notice.query(on: db).filter(\.$id ~~ ids).filter(\.$isPublic == true)
            .filter(\.$stateRaw == NoticeState.published.rawValue).all()
        return rows.filter { $0.isLive(at: now) }
            .sorted { ($0.pinned ? 1 : 0, $0.publishedAt ?? $0.publishAt) > ($1.pinned ? 1 : 0, $1.publishedAt ?? $1.publishAt) }
            .prefix(limit).map { $0 }
    }

    @Sendable static func board(req: Request) async throws -> HTML {
        guard let code = req.parameters.get("code"), code.count <= 60,
              let node = try await OrgNode.query(on: req.db).filter(\.$code == code).first(),
              [NodeKind.community, .compound].contains(node.kind) else { throw APIError.notFound }
        let notices = try await live(on: node, req.db, now: req.now)
        let cards = notices.map { n -> HTML in
            """
            <a class="card link notice\(n.urgent ? " urgent" : "")" href="\(SiteURL.Notices.publicNotice(n.id!).path)">\(NoticePages.marks(req, n))<b>\(n.title)</b>
            <br><small>\(NoticePages.when(req, n))</small></a>
            """
        }
        return Layout(req: req, title: req.t("\(node.name) 公示栏", "\(node.name) notice board")).render("""
        <p class="muted">\(req.t("社区公开的通知公告，无需登录即可查看。", "The community's public notices; no login needed."))</p>
        \(cards.isEmpty ? HTML("<p class=\"card\">\(req.t("暂无公示内容", "Nothing posted"))</p>") : HTML(cards))
        """)
    }

    /// A live public notice, else 404 (a withdrawn, expired or internal one is not there for the public).
    static func publicOne(_ req: Request) async throws -> Notice {
        guard let n = try await Notice.find(try req.idParameter(), on: req.db), n.isPublic, n.isLive(at: req.now) else { throw APIError.notFound }
        return n
    }

    @Sendable static func publicNotice(req: Request) async throws -> HTML {
        let n = try await publicOne(req)
        return Layout(req: req, title: n.title).render("""
        <p>\(NoticePages.marks(req, n)) <span class="muted">\(NoticePages.when(req, n))</span></p>
        <div class="card notice-body">\(NoticeFormat.html(n.body))</div>
        \(try await NoticeFiles.list(req, n, publicPage: true))
        """)
    }

    @Sendable static func publicAttachment(req: Request) async throws -> Response {
        try await NoticeFiles.file(req, try await publicOne(req))
    }

    /// An A4 page to print and post in stairwells: the notice and a QR code to it (its public page, or the notice for
    /// signed-in residents when it is not public).
    @Sendable static func poster(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        guard NoticeReceipts.followsArea(actor) else { throw APIError.notFound }
        let n = try await NoticeReceipts(req: req).load(try req.idParameter(), for: actor)
        let target = n.isPublic ? SiteURL.Notices.publicNotice(n.id!).path : SiteURL.Notices.show(n.id!).path
        let link = req.publicBase + target
        let svg = try? QRCode.encode(link, correction: .medium).svg(moduleSize: 6, quietZone: 4, title: req.t("扫码查看通知", "Scan to read the notice"))
        let sender = try await OrgNode.query(on: req.db).filter(\.$path == n.nodePath).first()?.name
        return Layout(req: req, title: req.t("张贴版：\(n.title)", "Poster: \(n.title)")).render("""
        <p class="muted"><button class="secondary" data-print>\(req.t("打印", "Print"))</button></p>
        <article class="poster">
        <h2>\(n.urgent ? req.t("【紧急通知】", "[Urgent] ") : "")\(n.title)</h2>
        <div class="notice-body">\(NoticeFormat.html(n.body))</div>
        <p class="sign-off">\(sender ?? "")<br>\(ShanghaiTime.format(n.publishedAt ?? n.publishAt, "yyyy年M月d日"))</p>
        <figure class="qr">\(svg.map { HTML(raw: $0) } ?? .empty)<figcaption>\(req.t("扫码查看通知全文", "Scan for the full notice"))
        <br><span class="mono qr-url">\(link.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: ""))</span></figcaption></figure>
        </article>
        """)
    }
}
