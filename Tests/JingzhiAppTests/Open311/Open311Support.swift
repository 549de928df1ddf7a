import Fluent
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A parsed XML element: name, its own text, and child elements in order.
final class XMLElementNode {
    let name: String
    var text = ""
    var children: [XMLElementNode] = []

    init(name: String) { self.name = name }

    func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }
    func all(_ name: String) -> [XMLElementNode] { children.filter { $0.name == name } }
    /// The text of the child element `name`.
    subscript(_ name: String) -> String? { child(name)?.text }
}

/// Parses with Foundation's `XMLParser`; a document that is not well-formed fails the test.
final class XMLTree: NSObject, XMLParserDelegate {
    private var stack: [XMLElementNode] = []
    private var root: XMLElementNode?

    static func parse(_ text: String) throws -> XMLElementNode {
        let tree = XMLTree()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = tree
        let ok = parser.parse()
        #expect(ok, "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")\n\(text)")
        return try #require(tree.root)
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let node = XMLElementNode(name: name)
        stack.last?.children.append(node)
        if root == nil { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }
}

extension Application {
    /// A new Open311 api_key (the text the client sends).
    func open311Key(_ name: String = "测试客户端") async throws -> String {
        try await APIKeyService(db: db, now: clock.now()).create(name: name, source: .cli("test")).key
    }

    /// Sends an Open311 request: a form-encoded or JSON body, extra headers, no bearer token.
    @discardableResult
    func open311(_ method: HTTPMethod, _ path: String, form: String? = nil, json: String? = nil,
                 headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await testing().test(method, path, beforeRequest: { req in
            if let form {
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(string: form)
            } else if let json {
                req.headers.contentType = .json
                req.body = ByteBuffer(string: json)
            }
            for (k, v) in extra { req.headers.replaceOrAdd(name: k, value: v) }
        }, afterResponse: { res in captured = res })
        return captured!
    }

    /// A point inside the grid with this code (the centre of its rectangle), as (lat, long).
    func pointInside(grid code: String) async throws -> (lat: Double, lon: Double) {
        let grid = try await node(code)
        let boundary = try Boundary.parse(text: try #require(grid.boundary))
        let c = boundary.centroid
        return (c.lat, c.lon)
    }
}

extension TestingHTTPResponse {
    /// The single error of a GeoReport v2 JSON error body: `[{"code":…, "description":…}]`.
    func open311JSONError() throws -> (code: Int, description: String) {
        #expect(headers.contentType?.subType == "json")
        let list = try jsonArray()
        #expect(list.count == 1)
        let first = try #require(list.first)
        return (try #require(first["code"] as? Int), try #require(first["description"] as? String))
    }

    /// The single error of a GeoReport v2 XML error body: `<errors><error><code>…`.
    func open311XMLError() throws -> (code: Int, description: String) {
        #expect(headers.contentType?.subType == "xml")
        let root = try XMLTree.parse(text)
        #expect(root.name == "errors")
        let errors = root.all("error")
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        return (try #require(Int(error["code"] ?? "")), try #require(error["description"]))
    }
}

/// Percent-encodes a query value (so `+08:00` survives).
func o311Query(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
}
