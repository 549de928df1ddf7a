import Fluent
import Vapor

/// The part of the org tree a user may see and change: the subtree under one node.
///
/// Every record that belongs to the tree stores the materialised path of its node (`node_path`),
/// a string of fixed-width segments from the root. A subtree is then one index range:
/// `path >= root AND path < root + "~"`. This is the only place scope is enforced.
public struct DataScope: Sendable, Equatable {
    /// Path of the scope's root node; empty means the whole tree.
    public let rootPath: String
    /// Further subtrees, for accounts whose area is scattered over the tree (a property company's compounds).
    /// Code that reads only `rootPath` sees the first subtree: less than the scope, never more.
    public let otherRoots: [String]

    public init(rootPath: String) {
        self.rootPath = rootPath
        self.otherRoots = []
    }

    /// The subtrees under these paths; paths inside another of them are dropped. No paths: nothing at all.
    package static func union(_ paths: [String]) -> DataScope {
        let sorted = Set(paths).sorted()
        var roots: [String] = []
        for p in sorted where !roots.contains(where: { p.hasPrefix($0) }) { roots.append(p) }
        guard let first = roots.first else { return DataScope(rootPath: "~") }
        return DataScope(first: first, others: Array(roots.dropFirst()))
    }

    private init(first: String, others: [String]) {
        rootPath = first
        otherRoots = others
    }

    public static let everything = DataScope(rootPath: "")

    /// Every subtree of the scope, first `rootPath`.
    package var roots: [String] { [rootPath] + otherRoots }

    public func contains(_ path: String) -> Bool { roots.contains { path.hasPrefix($0) } }

    /// The first path after the subtree (segments are `[0-9a-z]`, all below `~`).
    package var upperBound: String { rootPath + "~" }
}

/// A record that belongs to a node of the org tree and so falls under data scopes.
package protocol PathScoped: Model where IDValue == UUID {
    static var pathKey: KeyPath<Self, FieldProperty<Self, String>> { get }
}

extension QueryBuilder where Model: PathScoped {
    /// Keeps only the rows inside `scope`.
    package func within(_ scope: DataScope) -> Self {
        guard !scope.rootPath.isEmpty else { return self }
        guard !scope.otherRoots.isEmpty else {
            return filter(Model.pathKey >= scope.rootPath).filter(Model.pathKey < scope.upperBound)
        }
        return group(.or) { any in
            for root in scope.roots { any.group(.and) { $0.filter(Model.pathKey >= root).filter(Model.pathKey < root + "~") } }
        }
    }
}

extension QueryBuilder {
    /// Keeps only the rows whose joined `Joined` record lies inside `scope` (e.g. users by their node).
    package func within<Joined: PathScoped>(_ scope: DataScope, joined: Joined.Type) -> Self {
        guard !scope.rootPath.isEmpty else { return self }
        return group(.or) { any in
            for root in scope.roots {
                any.group(.and) { $0.filter(Joined.self, Joined.pathKey >= root).filter(Joined.self, Joined.pathKey < root + "~") }
            }
        }
    }
}

extension PathScoped {
    /// The record with this id if it lies inside `scope`; otherwise 404, the same answer as for an id
    /// that does not exist, so ids from other communities cannot be probed.
    package static func find(_ id: UUID?, within scope: DataScope, on db: any Database) async throws -> Self {
        guard let id, let found = try await query(on: db).filter(\._$id == id).within(scope).first() else {
            throw APIError.notFound
        }
        return found
    }
}

/// Path segments: fixed width, `[0-9a-z]`, so byte order is tree order and prefixes never collide.
package enum PathSegment {
    package static let width = 4
    package static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")

    package static func make(_ ordinal: Int) -> String {
        var n = ordinal
        var chars: [Character] = []
        for _ in 0..<width {
            chars.append(alphabet[n % 36])
            n /= 36
        }
        return String(chars.reversed())
    }

    package static func ordinal(_ segment: String) -> Int {
        segment.reduce(0) { $0 * 36 + (alphabet.firstIndex(of: $1) ?? 0) }
    }
}
