import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The parts of a workbook as element trees, read with Foundation's `XMLParser`; namespace prefixes are dropped
/// (`x:row` is `row`), attributes keep theirs (`r:id`).
package enum SpreadsheetXML {
    package final class Element {
        package let name: String
        package let attributes: [String: String]
        package var children: [Element] = []
        package var text = ""

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        package func child(_ name: String) -> Element? { children.first { $0.name == name } }

        /// The first element called `name` anywhere below.
        package func first(_ name: String) -> Element? {
            for c in children { if c.name == name { return c }; if let hit = c.first(name) { return hit } }
            return nil
        }

        /// Every element called `name` anywhere below, in document order (not inside a match).
        package func all(_ name: String) -> [Element] {
            children.flatMap { $0.name == name ? [$0] : $0.all(name) }
        }

        /// The text of a shared or inline string: its `t` elements joined, phonetic runs (`rPh`) left out.
        package var runText: String {
            if name == "rPh" { return "" }
            if name == "t" { return text }
            return children.map(\.runText).joined()
        }
    }

    package static func parse(_ data: Data) throws -> Element {
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw APIError.invalid("file", "工作簿内容损坏 (the workbook's XML is malformed)")
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let local = name.split(separator: ":").last.map(String.init) ?? name
            let e = Element(name: local, attributes: attributes)
            stack.last?.children.append(e)
            if root == nil { root = e }
            stack.append(e)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }
    }
}
