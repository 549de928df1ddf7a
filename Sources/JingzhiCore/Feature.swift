import Vapor

/// The route groups every feature registers on: what each requires of the caller is decided once, here.
package struct RouteGroups {
    package let app: Application
    /// Web pages anyone may open (sessions and CSRF checks on).
    package let web: any RoutesBuilder
    /// Web pages for a signed-in user.
    package let staff: any RoutesBuilder
    /// `/api/v1` for anyone (a bearer token signs the caller in when present).
    package let api: any RoutesBuilder
    /// `/api/v1` for a signed-in caller.
    package let apiAuthed: any RoutesBuilder

    package init(app: Application, web: any RoutesBuilder, staff: any RoutesBuilder, api: any RoutesBuilder, apiAuthed: any RoutesBuilder) {
        self.app = app
        self.web = web
        self.staff = staff
        self.api = api
        self.apiAuthed = apiAuthed
    }
}

/// Who the caller is, as the features that sign people in provide it (the Accounts feature sets it).
package struct Identity: Sendable {
    package var web: [any Middleware] = []
    package var signedIn: [any Middleware] = []
    package var api: [any Middleware] = []
    package var apiSignedIn: [any Middleware] = []
    package init() {}
}

extension Application {
    private struct IdentityKey: StorageKey { typealias Value = Identity }

    package var identity: Identity {
        get { storage[IdentityKey.self] ?? Identity() }
        set { storage[IdentityKey.self] = newValue }
    }
}

/// A table column holding a copy of a node's materialised path; moving a node rewrites every one of them.
package struct PathColumn: Sendable, Equatable {
    package let table: String
    package let column: String
    package init(_ table: String, _ column: String = "node_path") {
        self.table = table
        self.column = column
    }
}

/// How a feature plugs into the app. Core and App know no feature by name: they ask each registered one.
package protocol Feature {
    /// Hooks and middleware, before any route exists.
    static func configure(_ app: Application)
    /// The feature's pages and endpoints.
    static func routes(_ groups: RouteGroups) throws
    /// Its links in the staff navigation.
    static var navigation: [NavItem] { get }
    /// Its tables that carry node paths.
    static var pathColumns: [PathColumn] { get }
    /// What people call the fields of its forms and API bodies, for error messages on pages.
    static var fieldNames: [String: FieldName] { get }
}

extension Feature {
    package static func configure(_ app: Application) {}
    package static var navigation: [NavItem] { [] }
    package static var pathColumns: [PathColumn] { [] }
    package static var fieldNames: [String: FieldName] { [:] }
}

extension Application {
    /// Configures the features and registers their routes and navigation, in the order given.
    package func register(features: [any Feature.Type]) throws {
        _ = minuteTasks
        for f in features { f.configure(self) }
        let id = identity
        let web = grouped(id.web)
        let staff = web.grouped(id.signedIn)
        let api = grouped("api", "v1").grouped(id.api)
        let groups = RouteGroups(app: self, web: web, staff: staff, api: api, apiAuthed: api.grouped(id.apiSignedIn))
        for f in features { try f.routes(groups) }
        pageChrome.navigation = features.flatMap { $0.navigation }
        fieldNames = features.reduce(into: [:]) { all, f in all.merge(f.fieldNames) { first, _ in first } }
    }
}
