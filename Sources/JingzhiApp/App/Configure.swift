import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import JingzhiCore
import Vapor

/// Sets up databases, migrations, sessions, middleware and routes. Tests and the CLI call this alike.
public func configure(_ app: Application, settings: Settings) async throws {
    app.settings = settings
    if let url = settings.databaseURL {
        var config = try SQLPostgresConfiguration(url: url)
        if let schema = settings.databaseSchema { config.searchPath = [schema] }
        app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: settings.databaseConnectionsPerLoop,
                                    sqlLogLevel: settings.logSQL ? .info : .debug), as: .psql)
    } else {
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(settings.sqlitePath), sqlLogLevel: settings.logSQL ? .info : .debug), as: .sqlite)
    }
    app.migrations.add(Migrations.all)
    ConnectionHealth.use { db in
        guard let pg = db as? any PostgresDatabase,
              let conn = try? await pg.withConnection({ $0.eventLoop.makeSucceededFuture($0) }).get() else { return nil }
        return { conn.isClosed }
    }
    SafeErrorCode.use { error in
        if let e = error as? SQLiteError { return "sqlite \(e.reason)" }
        if let e = error as? PSQLError { return e.serverInfo?[.sqlState].map { "sqlstate \($0)" } ?? "psql \(e.code)" }
        return nil
    }

    app.sessions.use(.fluent)
    app.sessions.configuration.cookieName = "jingzhi_session"
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(string: id.string, maxAge: 12 * 3600, path: "/", isSecure: false, isHTTPOnly: true, sameSite: .lax)
    }
    app.middleware = .init()
    app.middleware.use(ObservabilityMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    if let name = settings.instance { app.middleware.use(ServerInstanceMiddleware(name: name)) }
    app.middleware.use(JingzhiErrorMiddleware())
    app.routes.defaultMaxBodySize = "20mb"
    try registerRoutes(app)
}

/// Creates the schema (if needed) and tunes SQLite for a server: WAL, so readers never wait for writers.
public func migrate(_ app: Application) async throws {
    if !app.settings.usesPostgres {
        _ = try await (app.db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").all()
    } else if let schema = app.settings.databaseSchema {
        try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
    }
    try await app.autoMigrate()
}
