import Foundation
import Fluent
import JingzhiCore
import Vapor

/// One uploaded file and the material it shows.
struct MaterialFile: Sendable {
    let material: String
    let data: Data
}

/// Photos of materials: real images only (the bytes decide, as for case photos), bounded in size and number, and every
/// material asked for present.
enum ServiceMaterials {
    static let maxBytes = 5 * 1024 * 1024
    static let maxFiles = 20

    /// The type of each file, or an error naming the first material missing, the first file too big or not an image.
    static func check(_ files: [MaterialFile], required: [String], allowed: [String]) throws -> [(MaterialFile, String)] {
        let given = files.filter { !$0.data.isEmpty }
        if let missing = required.first(where: { m in !given.contains { $0.material == m } }) {
            throw APIError(.unprocessableEntity, code: "material_missing", "缺少材料「\(missing)」的照片，请拍照上传 (a photo of \(missing) is missing)",
                           field: "materials")
        }
        if let unknown = given.first(where: { !allowed.contains($0.material) }) {
            throw APIError.invalid("materials", "「\(unknown.material)」不是本事项要求的材料 (\(unknown.material) is not a material of this matter)")
        }
        guard given.count <= maxFiles else {
            throw APIError.invalid("materials", "每次最多上传 \(maxFiles) 张照片 (at most \(maxFiles) photos at a time)")
        }
        return try given.map { f -> (MaterialFile, String) in
            guard f.data.count <= maxBytes else { throw APIError.invalid("materials", "「\(f.material)」的照片超过 5 MB (the photo of \(f.material) is over 5 MB)") }
            guard let type = CasePhotos.sniff(f.data) else {
                throw APIError(.unprocessableEntity, code: "not_an_image",
                               "「\(f.material)」上传的文件不是 JPEG、PNG、WebP 或 HEIC 图片 (the file for \(f.material) is not an image)", field: "materials")
            }
            return (f, type)
        }
    }

    static func store(_ typed: [(MaterialFile, String)], for applicationID: UUID, by user: UUID?, at now: Date, on tx: any Database) async throws {
        for (f, type) in typed {
            let m = ServiceMaterial()
            m.applicationID = applicationID
            m.material = f.material
            m.uploadedBy = user
            m.contentType = type
            m.size = f.data.count
            m.bytes = f.data
            m.createdAt = now
            try await m.create(on: tx)
        }
    }

    /// The photos of an application, oldest first.
    static func list(_ applicationID: UUID, on db: any Database) async throws -> [ServiceMaterial] {
        try await ServiceMaterial.query(on: db).filter(\.$applicationID == applicationID).sort(\.$createdAt).all()
    }
}
