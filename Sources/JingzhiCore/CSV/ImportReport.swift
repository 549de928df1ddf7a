import Vapor

/// What an import did, or would do: counts and every bad row with its line and reason.
package struct ImportReport: Content {
    package struct RowError: Content {
        package let line: Int
        package let field: String?
        package let message: String

        package init(line: Int, field: String?, message: String) {
            self.line = line
            self.field = field
            self.message = message
        }
    }
    package var encoding: String = "utf8"
    package var rows = 0
    package var valid = 0
    package var created = 0
    package var updated = 0
    package var unchanged = 0
    package var skipped = 0
    /// False when nothing was written (errors without skipping, or a dry run).
    package var committed = false
    package var errors: [RowError] = []

    package init() {}
}

