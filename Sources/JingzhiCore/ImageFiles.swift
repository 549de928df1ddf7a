import Foundation

/// The picture rules every upload shares: the bytes decide the type (JPEG, PNG, WebP, HEIC), at most 5 MB.
/// Features keep their own tables and counts; this only says what a picture is.
package enum ImageFiles {
    package static let maxBytes = 5 * 1024 * 1024

    /// The image type the bytes actually are, or nil.
    package static func sniff(_ data: Data) -> String? {
        let b = [UInt8](data.prefix(12))
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF { return "image/jpeg" }
        if b.count >= 8, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return "image/png" }
        if b.count >= 12, b[0..<4] == [0x52, 0x49, 0x46, 0x46], b[8..<12] == [0x57, 0x45, 0x42, 0x50] { return "image/webp" }
        if b.count >= 12, b[4..<8] == [0x66, 0x74, 0x79, 0x70], ["heic", "heix", "mif1"].contains(String(decoding: b[8..<12], as: UTF8.self)) {
            return "image/heic"
        }
        return nil
    }

    /// The type of one uploaded picture, or a 422 in words on `field` (missing, over 5 MB, not a picture).
    package static func check(_ data: Data, field: String = "photo") throws -> String {
        guard !data.isEmpty else { throw APIError.missing(field) }
        guard data.count <= maxBytes else { throw APIError.invalid(field, "照片超过 5 MB，请换一张小一点的 (the photo is over 5 MB)") }
        guard let type = sniff(data) else {
            throw APIError.invalid(field, "文件不是照片，只能上传 JPEG、PNG、WebP 或 HEIC 图片 (not a photo: JPEG, PNG, WebP or HEIC only)")
        }
        return type
    }
}
