import Fluent
import Foundation
import JingzhiCore
import Vapor

/// `/devices/keys` (administrators): the vendor gateways' keys, issuing one (its text shown once, on the answer page
/// only, never stored or logged) and revoking one.
enum DeviceKeysPage {
    static func register(staff: any RoutesBuilder, api: any RoutesBuilder) {
        staff.get(SiteURL.Devices.Pattern.keys, use: list)
        staff.post(SiteURL.Devices.Pattern.keys, use: create)
        staff.post(SiteURL.Devices.Pattern.revokeKey, use: revoke)
        let keys = api.grouped("devices", "keys")
        keys.get(use: apiList)
        keys.post(use: apiCreate)
        keys.post(":id", "revoke", use: apiRevoke)
    }

    struct KeyDTO: Content {
        var id: UUID
        var name: String
        var active: Bool
        var createdAt: Date
        var devices: Int
        /// Only in the answer that issued it.
        var key: String?
    }

    static func dtos(_ keys: [DeviceKey], on db: any Database) async throws -> [KeyDTO] {
        var claimed: [UUID: Int] = [:]
        for d in try await Device.query(on: db).filter(\.$keyID ~~ keys.compactMap(\.id)).all() { claimed[d.keyID!, default: 0] += 1 }
        return keys.map { KeyDTO(id: $0.id!, name: $0.name, active: $0.active, createdAt: $0.createdAt, devices: claimed[$0.id!] ?? 0) }
    }

    @Sendable static func apiList(req: Request) async throws -> [KeyDTO] {
        _ = try admin(req)
        return try await dtos(try await DeviceKey.query(on: req.db).sort(\.$createdAt, .descending).all(), on: req.db)
    }

    @Sendable static func apiCreate(req: Request) async throws -> Response {
        _ = try admin(req)
        let (row, key) = try await DeviceRegistry(db: req.db, now: req.now, source: req.auditSource).createKey(name: try req.decodeJSON(CreateForm.self).name)
        var dto = try await dtos([row], on: req.db)[0]
        dto.key = key
        let response = try await dto.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable static func apiRevoke(req: Request) async throws -> KeyDTO {
        _ = try admin(req)
        let id = try req.idParameter()
        _ = try await DeviceRegistry(db: req.db, now: req.now, source: req.auditSource).revokeKey(id)
        guard let key = try await DeviceKey.find(id, on: req.db) else { throw APIError.notFound }
        return try await dtos([key], on: req.db)[0]
    }

    static func admin(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard actor.role == .admin else { throw APIError.forbidden }
        return actor
    }

    static func title(_ req: Request) -> String { req.t("设备网关密钥", "Gateway keys") }

    @Sendable static func list(req: Request) async throws -> HTML {
        _ = try admin(req)
        return try await page(req, issued: nil)
    }

    static func page(_ req: Request, issued: (name: String, key: String)?, error: String? = nil) async throws -> HTML {
        let keys = try await dtos(try await DeviceKey.query(on: req.db).sort(\.$active, .descending).sort(\.$createdAt, .descending).all(), on: req.db)
        let rows: [HTML] = keys.map { k in """
            <tr><td data-label="\(req.t("名称", "Name"))">\(k.name)</td>
            <td data-label="\(req.t("签发时间", "Issued"))">\(ShanghaiTime.format(k.createdAt))</td>
            <td data-label="\(req.t("所属设备", "Devices"))">\(k.devices)</td>
            <td data-label="\(req.t("状态", "State"))">\(k.active ? req.t("有效", "active") : req.t("已吊销", "revoked"))</td>
            <td>\(k.active ? HTML("""
              <form method="post" action="\(SiteURL.Devices.revokeKey(k.id).path)" class="inline" data-confirm="\(req.t("吊销后该网关的读数将被拒收，确定吊销「\(k.name)」？", "Readings with this key will be refused. Revoke “\(k.name)”?"))">\(Form.csrf(req))<button class="link">\(req.t("吊销", "Revoke"))</button></form>
              """) : .empty)</td></tr>
            """ }
        let shown: HTML = issued.map { i in """
            <div class="flash" role="status"><p>\(req.t("已为「\(i.name)」签发密钥。它只显示这一次，请立即复制并交给网关维护方：", "Key issued for “\(i.name)”. It is shown this once only: copy it now for the gateway's operator:"))</p>
            <p><code class="secret" data-key>\(i.key)</code></p></div>
            """ } ?? .empty
        return Layout(req: req, title: title(req), wide: true).render("""
        \(shown)\(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <p class="muted">\(req.t("网关在请求头 X-Device-Key 中带上密钥上报读数；它只能写本厂商（与名称相同）的设备或它最先上报的设备。库中只保存密钥的摘要。",
                                  "Gateways send the key in the X-Device-Key header. A key writes devices of its vendor (its name) or those it reported first. Only a digest of the key is stored."))</p>
        <form method="post" action="\(SiteURL.Devices.keys.path)" class="card">\(Form.csrf(req))
        \(Form.field(req.t("厂商或网关名称", "Vendor or gateway name"), name: "name", value: nil))
        <div class="actions"><button>\(req.t("签发密钥", "Issue a key"))</button></div></form>
        <table class="list"><thead><tr><th>\(req.t("名称", "Name"))</th><th>\(req.t("签发时间", "Issued"))</th><th>\(req.t("所属设备", "Devices"))</th>
        <th>\(req.t("状态", "State"))</th><th><span class="visually-hidden">\(req.t("操作", "Actions"))</span></th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("还没有密钥", "No keys yet"))</td></tr>"] : rows)</tbody></table>
        """)
    }

    struct CreateForm: Content { var name: String? }

    @Sendable static func create(req: Request) async throws -> Response {
        _ = try admin(req)
        let name = try req.content.decode(CreateForm.self).name
        do {
            let (row, key) = try await DeviceRegistry(db: req.db, now: req.now, source: req.auditSource).createKey(name: name)
            let response = try await page(req, issued: (row.name, key)).encodeResponse(status: .created, for: req)
            // The key is on this page only: never kept by a cache or the browser's history.
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, issued: nil, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }

    @Sendable static func revoke(req: Request) async throws -> Response {
        _ = try admin(req)
        let name = try await DeviceRegistry(db: req.db, now: req.now, source: req.auditSource).revokeKey(try req.idParameter())
        req.flash(req.t("已吊销「\(name)」，此后用它上报的读数会被拒收。", "Revoked “\(name)”; readings with it are refused from now on."))
        return req.redirect(to: SiteURL.Devices.keys.path)
    }
}
