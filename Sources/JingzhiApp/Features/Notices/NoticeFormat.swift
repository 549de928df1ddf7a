import Foundation
import JingzhiCore

/// The little formatting a notice's body may carry, turned into HTML with everything else escaped:
/// a blank line starts a paragraph, lines starting `- ` or `1. ` make a list, `**words**` are bold.
enum NoticeFormat {
    static func html(_ body: String) -> HTML {
        var out: [HTML] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            out.append("<p>\(HTML(paragraph.map(inline).enumerated().map { i, line in i == 0 ? line : "<br>" + line }))</p>")
            paragraph = []
        }
        func flushList() {
            guard let l = list else { return }
            let items = l.items.map { item -> HTML in "<li>\(inline(item))</li>" }
            out.append(l.ordered ? "<ol>\(items)</ol>" : "<ul>\(items)</ul>")
            list = nil
        }

        for raw in body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                flushParagraph()
                flushList()
            } else if let item = bullet(line) {
                flushParagraph()
                if list?.ordered == true { flushList() }
                list = (false, (list?.items ?? []) + [item])
            } else if let item = numbered(line) {
                flushParagraph()
                if list?.ordered == false { flushList() }
                list = (true, (list?.items ?? []) + [item])
            } else {
                flushList()
                paragraph.append(line)
            }
        }
        flushParagraph()
        flushList()
        return HTML(out)
    }

    /// The body as plain text for an SMS or a preview line: marks removed, lines joined.
    static func plain(_ body: String) -> String {
        body.replacingOccurrences(of: "**", with: "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static func bullet(_ line: String) -> String? {
        for mark in ["- ", "* ", "• "] where line.hasPrefix(mark) { return String(line.dropFirst(mark.count)) }
        return nil
    }

    private static func numbered(_ line: String) -> String? {
        let digits = line.prefix { $0.isASCIIDigit }
        guard !digits.isEmpty, digits.count <= 3 else { return nil }
        let rest = line.dropFirst(digits.count)
        for mark in [". ", "、", ".", "）", ") "] where rest.hasPrefix(mark) {
            let item = rest.dropFirst(mark.count).trimmingCharacters(in: .whitespaces)
            return item.isEmpty ? nil : item
        }
        return nil
    }

    /// Escapes the text and makes `**…**` bold; an unmatched `**` stays as typed.
    private static func inline(_ text: String) -> HTML {
        let parts = text.components(separatedBy: "**")
        guard parts.count >= 3 else { return "\(text)" }
        var out: [HTML] = []
        for (i, part) in parts.enumerated() {
            let closed = i % 2 == 1 && i < parts.count - 1
            if i % 2 == 1 && !closed { out.append("**\(part)"); continue }
            out.append(closed ? "<b>\(part)</b>" : "\(part)")
        }
        return HTML(out)
    }
}
