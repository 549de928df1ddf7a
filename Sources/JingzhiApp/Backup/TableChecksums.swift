import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Row counts and a checksum per table, computed the same way on a source and on its restored copy: each row's text
/// (PostgreSQL: `md5` of the row as text; SQLite: MD5 of the `quote()`d columns) hashed, the 64-bit prefixes summed, so row order
/// does not matter and large tables stream.
enum TableChecksums {
    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }

    /// The tables of the current database (PostgreSQL: of the current schema), by name.
    static func tables(_ sql: any SQLDatabase) async throws -> [String] {
        let rows: [any SQLRow]
        if isPostgres(sql) {
            rows = try await sql.raw("""
                SELECT table_name AS name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """).all()
        } else {
            rows = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()
        }
        return try rows.map { try $0.decode(column: "name", as: String.self) }
    }

    /// Every table's sum; `filters` (tests) adds a WHERE condition to some tables.
    static func compute(_ sql: any SQLDatabase, filters: [String: String] = [:]) async throws -> [TableSum] {
        var sums: [TableSum] = []
        for table in try await tables(sql) {
            sums.append(try await sum(sql, table: table, filter: filters[table]))
        }
        return sums
    }

    static func sum(_ sql: any SQLDatabase, table: String, filter: String? = nil) async throws -> TableSum {
        let state = NIOLockedValueBox((rows: 0, sum: UInt64(0)))
        let whereClause = filter.map { " WHERE \($0)" } ?? ""
        if isPostgres(sql) {
            try await sql.raw("SELECT md5(jz_row::text) AS h FROM \(ident: table) jz_row\(unsafeRaw: whereClause)").run { row in
                let hex = (try? row.decode(column: "h", as: String.self)) ?? ""
                let v = UInt64(hex.prefix(16), radix: 16) ?? 0
                state.withLockedValue { $0.rows += 1; $0.sum &+= v }
            }
        } else {
            let cols = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table)) ORDER BY cid").all()
                .map { try $0.decode(column: "name", as: String.self) }
            let quoted = cols.map { "quote(\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\")" }.joined(separator: " || char(31) || ")
            try await sql.raw("SELECT \(unsafeRaw: quoted.isEmpty ? "''" : quoted) AS r FROM \(ident: table)\(unsafeRaw: whereClause)").run { row in
                let text = (try? row.decode(column: "r", as: String.self)) ?? ""
                let digest = Array(Insecure.MD5.hash(data: Data(text.utf8)))
                let v = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                state.withLockedValue { $0.rows += 1; $0.sum &+= v }
            }
        }
        let (rows, sum) = state.withLockedValue { ($0.rows, $0.sum) }
        return TableSum(name: table, rows: rows, checksum: String(format: "%016llx", sum))
    }

    /// Names of the app migrations the database has run.
    static func migrations(_ sql: any SQLDatabase) async throws -> [String] {
        guard try await tables(sql).contains("_fluent_migrations") else { return [] }
        return try await sql.raw("SELECT name FROM _fluent_migrations ORDER BY name").all().map { try $0.decode(column: "name", as: String.self) }
    }

    /// Rows in the tables that say a database is in use (accounts, the tree, residents, cases); migrations alone seed catalogues.
    static func dataRows(_ sql: any SQLDatabase) async throws -> [String: Int] {
        let have = Set(try await tables(sql))
        var counts: [String: Int] = [:]
        for t in ["users", "org_nodes", "residents", "cases"] where have.contains(t) {
            counts[t] = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: t)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return counts
    }

    /// Tables whose count or checksum differ between two lists, in words.
    static func differences(expected: [TableSum], actual: [TableSum]) -> [String] {
        let got = Dictionary(actual.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String] = []
        for e in expected {
            guard let a = got[e.name] else { out.append("\(e.name): missing"); continue }
            if a.rows != e.rows { out.append("\(e.name): \(a.rows) rows, expected \(e.rows)") } else if a.checksum != e.checksum { out.append("\(e.name): checksum differs") }
        }
        let names = Set(expected.map(\.name))
        for a in actual where !names.contains(a.name) { out.append("\(a.name): not in the backup") }
        return out
    }
}
