import JingzhiCore

/// Fluent has a `PageRequest` too; in this module the name means ours.
typealias PageRequest = JingzhiCore.PageRequest
