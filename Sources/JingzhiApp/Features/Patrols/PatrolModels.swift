import Fluent
import Foundation
import JingzhiCore

/// A grid worker's patrol (网格巡查): from start to end, with its track, check-ins and events.
/// Counters (distance, fixes, flagged, buildings, events) are kept up to date with every change, so lists
/// and the command centre read one row per patrol.
final class Patrol: Model, PathScoped, @unchecked Sendable {
    static let schema = "patrols"
    static var pathKey: KeyPath<Patrol, FieldProperty<Patrol, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "worker_name") var workerName: String
    @Field(key: "grid_id") var gridID: UUID
    /// The grid's path: staff of the grid's community see the patrol.
    @Field(key: "node_path") var nodePath: String
    /// open, ended, auto_closed.
    @Field(key: "state") var state: String
    /// The worker's id while the patrol is open, null after; a unique index keeps one open patrol per worker.
    @OptionalField(key: "open_worker_id") var openWorkerID: UUID?
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    /// Last fix, check-in or event (or the start): auto-closing counts idle time from here.
    @Field(key: "last_activity_at") var lastActivityAt: Date
    @Field(key: "distance_m") var distanceM: Double
    @Field(key: "fix_count") var fixCount: Int
    @Field(key: "flagged_count") var flaggedCount: Int
    @Field(key: "buildings_covered") var buildingsCovered: Int
    @Field(key: "event_count") var eventCount: Int
    @OptionalField(key: "last_latitude") var lastLatitude: Double?
    @OptionalField(key: "last_longitude") var lastLongitude: Double?
    @OptionalField(key: "last_fix_at") var lastFixAt: Date?

    init() {}

    static let open = "open", ended = "ended", autoClosed = "auto_closed"
    var isOpen: Bool { state == Self.open }
    var lastPosition: GeoPoint? { lastLatitude.flatMap { lat in lastLongitude.map { GeoPoint(lon: $0, lat: lat) } } }

    /// Seconds from start to end (or to `now` while open).
    func durationSeconds(now: Date) -> Int { max(0, Int((endedAt ?? now).timeIntervalSince(startedAt))) }
}

/// One position fix of a patrol's track (巡查轨迹点), kept even when flagged.
final class PatrolFix: Model, @unchecked Sendable {
    static let schema = "patrol_fixes"

    @ID(key: .id) var id: UUID?
    @Field(key: "patrol_id") var patrolID: UUID
    /// The client's id for the fix (its uuid, or `seq:<n>`): a resent fix with the same key is a duplicate.
    @Field(key: "client_key") var clientKey: String
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "latitude") var latitude: Double
    @Field(key: "longitude") var longitude: Double
    /// Accuracy radius in metres, as the device reports it.
    @OptionalField(key: "accuracy") var accuracy: Double?
    /// Metres added to the patrol's distance by the step to this fix (0 when not counted).
    @Field(key: "segment_m") var segmentM: Double
    /// Reached faster than a person moves from the last trusted fix: not counted as distance.
    @Field(key: "jump") var jump: Bool
    /// Accuracy worse than `PatrolRules.worstAccuracy`: kept, not counted.
    @Field(key: "low_accuracy") var lowAccuracy: Bool
    /// Metres outside the grid's boundary (0 inside), and whether that is far enough to flag.
    @Field(key: "outside_m") var outsideM: Double
    @Field(key: "far_outside") var farOutside: Bool

    init() {}

    var point: GeoPoint { GeoPoint(lon: longitude, lat: latitude) }
    var flagged: Bool { jump || lowAccuracy || farOutside }
}

/// A check-in at a building on a patrol (楼栋打卡).
final class PatrolCheckin: Model, @unchecked Sendable {
    static let schema = "patrol_checkins"

    @ID(key: .id) var id: UUID?
    @Field(key: "patrol_id") var patrolID: UUID
    @Field(key: "building_id") var buildingID: UUID
    @Field(key: "building_name") var buildingName: String
    @Field(key: "at") var at: Date
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @OptionalField(key: "note") var note: String?

    init() {}
}

/// An event reported on a patrol: the case it became, and where the worker was.
final class PatrolEvent: Model, @unchecked Sendable {
    static let schema = "patrol_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "patrol_id") var patrolID: UUID
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "at") var at: Date
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?

    init() {}
}
