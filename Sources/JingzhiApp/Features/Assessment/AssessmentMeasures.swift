import Fluent
import JingzhiCore
import Vapor

/// A unit being measured.
struct AssessmentUnitRef: Sendable, Equatable {
    var id: UUID
    var name: String
    /// The unit's node path; for a property company, the round's node.
    var path: String
    var kind: AssessmentUnitKind
}

/// What a measure source is asked: the period (days, inclusive, Asia/Shanghai) and the subtree the round covers.
struct AssessmentMeasureContext: Sendable {
    let app: Application
    let db: any Database
    let now: Date
    let from: String
    let to: String
    /// The round's node.
    let root: OrgNode
    var months: [String] { ShanghaiTime.months(from: from, to: to) }
    /// The period as instants: the first day's start and the day after the last one's start.
    var start: Date { ShanghaiTime.dayStart(from) }
    var end: Date { ShanghaiTime.dayStart(ShanghaiTime.add(1, to: to)) }
    var scope: DataScope { DataScope(rootPath: root.path) }
}

/// Fractions a feature tallies for a measure, keyed by node path or by unit.
typealias AssessmentTally = [AssessmentMeasureSource.Key: AssessmentFraction]

extension Dictionary where Key == AssessmentMeasureSource.Key, Value == AssessmentFraction {
    /// Adds `numerator` of `denominator` under `key`.
    mutating func add(_ key: AssessmentMeasureSource.Key, _ numerator: Double, of denominator: Double) {
        self[key] = (self[key] ?? .init(numerator: 0, denominator: 0)) + .init(numerator: numerator, denominator: denominator)
    }
}

/// One measure an indicator can read, e.g. `cases.response`.
struct AssessmentMeasureInfo: Sendable, Equatable {
    let key: String
    let zh: String
    let en: String
    /// What the raw value is: a share 0…1 (`share`) or a figure per something (`per`).
    let share: Bool
    let kinds: Set<AssessmentUnitKind>
}

/// A feature's measures for the assessment (指标数据源): what it offers and how to get numerators and denominators.
/// A source answers with fractions keyed by a node path (units at or below the units asked for) or by a unit id
/// (property companies); the registry sums them up to each unit — sums, never averages.
struct AssessmentMeasureSource: Sendable {
    enum Key: Hashable, Sendable { case path(String), unit(UUID) }
    typealias Compute = @Sendable (_ ctx: AssessmentMeasureContext, _ units: [AssessmentUnitRef], _ keys: Set<String>) async throws -> [String: [Key: AssessmentFraction]]

    let feature: String
    let measures: [AssessmentMeasureInfo]
    let compute: Compute
}

/// The sources registered at start-up (`app.assessmentMeasures`); each feature's lives in `AssessmentSources*.swift`.
struct AssessmentMeasureRegistry: Sendable {
    var sources: [AssessmentMeasureSource] = []

    var measures: [AssessmentMeasureInfo] { sources.flatMap(\.measures) }
    var keys: Set<String> { Set(measures.map(\.key)) }

    func info(_ key: String) -> AssessmentMeasureInfo? { measures.first { $0.key == key } }

    /// Each unit's fraction for each of `keys`; a unit with no data for a key has no entry (missing, not zero).
    func values(_ ctx: AssessmentMeasureContext, units: [AssessmentUnitRef], keys: Set<String>) async throws -> [String: [UUID: AssessmentFraction]] {
        var out: [String: [UUID: AssessmentFraction]] = [:]
        for source in sources {
            let wanted = keys.intersection(source.measures.map(\.key))
            guard !wanted.isEmpty else { continue }
            let kinds = Set(source.measures.filter { wanted.contains($0.key) }.flatMap(\.kinds))
            let asked = units.filter { kinds.contains($0.kind) }
            guard !asked.isEmpty else { continue }
            for (key, rows) in try await source.compute(ctx, asked, wanted) {
                out[key] = Self.sum(rows, to: asked)
            }
        }
        return out
    }

    /// Each unit's sum of the rows at or under its path (or with its id).
    static func sum(_ rows: [AssessmentMeasureSource.Key: AssessmentFraction], to units: [AssessmentUnitRef]) -> [UUID: AssessmentFraction] {
        var out: [UUID: AssessmentFraction] = [:]
        let byPath = rows.compactMap { k, v -> (String, AssessmentFraction)? in if case .path(let p) = k { return (p, v) } else { return nil } }
        for u in units {
            var total: AssessmentFraction?
            if let f = rows[.unit(u.id)] { total = f }
            if u.kind != .propertyCompany {
                for (p, f) in byPath where p.hasPrefix(u.path) { total = total.map { $0 + f } ?? f }
            }
            if let total { out[u.id] = total }
        }
        return out
    }
}

extension Application {
    private struct AssessmentMeasuresKey: StorageKey { typealias Value = AssessmentMeasureRegistry }

    var assessmentMeasures: AssessmentMeasureRegistry {
        get { storage[AssessmentMeasuresKey.self] ?? AssessmentMeasureRegistry() }
        set { storage[AssessmentMeasuresKey.self] = newValue }
    }
}
