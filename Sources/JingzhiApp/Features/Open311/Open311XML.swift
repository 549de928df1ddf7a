import Foundation
import JingzhiCore

/// A small XML writer: an XML declaration, elements opened and closed in order, and text escaped so that
/// anything a resident types (`<`, `&`, quotes, stray control characters) still yields well-formed XML.
struct XMLWriter {
    private(set) var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var open: [String] = []

    mutating func start(_ name: String) {
        output += "<\(name)>"
        open.append(name)
    }

    mutating func end() {
        let name = open.removeLast()
        output += "</\(name)>"
    }

    /// `<name>text</name>`, or `<name/>` when there is no text.
    mutating func element(_ name: String, _ text: String?) {
        if let text, !text.isEmpty {
            output += "<\(name)>\(HTML.escape(text))</\(name)>"
        } else {
            output += "<\(name)/>"
        }
    }
}

/// Renders an `Open311Value` as GeoReport v2 XML: objects become child elements in order,
/// lists repeat their item element, booleans are `true`/`false`.
enum Open311XML {
    static func render(root: String, _ value: Open311Value) -> String {
        var w = XMLWriter()
        write(root, value, into: &w)
        return w.output
    }

    private static func write(_ name: String, _ value: Open311Value, into w: inout XMLWriter) {
        switch value {
        case .text(let s): w.element(name, s)
        case .number(let d): w.element(name, d.flatMap { $0.isFinite ? "\($0)" : nil })
        case .int(let i): w.element(name, i.map(String.init))
        case .bool(let b): w.element(name, b ? "true" : "false")
        case .object(let fields):
            w.start(name)
            for (key, v) in fields { write(key, v, into: &w) }
            w.end()
        case .list(let item, let items):
            w.start(name)
            for v in items { write(item, v, into: &w) }
            w.end()
        }
    }
}
