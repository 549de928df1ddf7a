import Foundation
import Vapor

/// A short code shown on a venue's screen that changes every few minutes (签到码): HMAC-SHA256 of the subject and the
/// time slot under a secret the server keeps. The code of the slot before is still taken, so a scan at the turn works;
/// a photo of the screen stops working after two slots.
package struct RotatingCode: Sendable {
    package let secret: String
    /// What the code is for (an activity's or a meeting's id), so one secret never yields another's codes.
    package let subject: String
    package let slotSeconds: TimeInterval

    package init(secret: String, subject: String, slotSeconds: TimeInterval = 180) {
        self.secret = secret
        self.subject = subject
        self.slotSeconds = slotSeconds
    }

    package func slot(at date: Date) -> Int { Int(date.timeIntervalSince1970 / slotSeconds) }

    package func code(at date: Date) -> String { code(slot: slot(at: date)) }

    package func code(slot: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(subject):\(slot)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return mac.prefix(5).map { String(format: "%02X", $0) }.joined()
    }

    /// Whether `raw` is the code of the slot `now` falls in or of the one before (spaces and case ignored).
    package func accepts(_ raw: String?, at now: Date) -> Bool {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces).uppercased(), !raw.isEmpty else { return false }
        let s = slot(at: now)
        return raw == code(slot: s) || raw == code(slot: s - 1)
    }

    /// When the code shown at `now` stops being taken.
    package func expires(at now: Date) -> Date {
        Date(timeIntervalSince1970: (Double(slot(at: now)) + 2) * slotSeconds)
    }

    /// A fresh secret of 32 random bytes, hex.
    package static func newSecret() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }
}
