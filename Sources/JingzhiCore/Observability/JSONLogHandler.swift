import Foundation
import Logging
import NIOConcurrencyHelpers

/// One JSON object a line: `time, level, request_id, user_id, route, status, duration_ms, message` (plus `logger`,
/// and `method` on request lines). Only these named fields are written: other metadata (Fluent's SQL binds, for one)
/// never reaches the output, so a value a caller sent cannot slip into the log that way.
package struct JSONLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: @Sendable (String) -> Void

    package init(label: String, level: Logger.Level = .info, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    /// Lines to standard output, one write each.
    package static func standardOutput(label: String, level: Logger.Level) -> JSONLogHandler {
        JSONLogHandler(label: label, level: level) { line in
            stdoutLock.withLock { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        }
    }

    private static let stdoutLock = NIOLock()
    private static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    package static let fields = ["request_id", "user_id", "route", "status", "duration_ms"]
    private static let numeric: Set<String> = ["status", "duration_ms"]

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                     source: String, file: String, function: String, line: UInt) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit { all.merge(explicit) { _, new in new } }
        var out = "{\"time\":" + Self.quote(Self.timeStyle.format(Date()))
        out += ",\"level\":" + Self.quote(level.rawValue)
        for key in Self.fields {
            out += ",\"\(key)\":"
            guard let value = all[key]?.description else { out += "null"; continue }
            out += Self.numeric.contains(key) && Double(value) != nil ? value : Self.quote(value)
        }
        if let method = all["method"]?.description { out += ",\"method\":" + Self.quote(method) }
        out += ",\"logger\":" + Self.quote(label) + ",\"message\":" + Self.quote(message.description) + "}"
        sink(out)
    }

    /// A JSON string literal.
    package static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
