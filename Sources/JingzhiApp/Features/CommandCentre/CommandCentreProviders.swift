import Fluent
import JingzhiCore
import Vapor

/// A worker on patrol now, as the patrol feature reports it to the command centre.
struct PatrolOnMap: Content, Equatable {
    var patrolId: UUID
    var workerName: String
    var gridId: UUID?
    var gridName: String?
    var startedAt: Date
    var lastFixAt: Date?
    var latitude: Double?
    var longitude: Double?
    var distanceMeters: Double?
}

/// One position of a patrol's track.
struct PatrolTrackPoint: Content, Equatable {
    var latitude: Double
    var longitude: Double
    var at: Date
}

/// A patrol's track for replay on the grid map.
struct TrackOnMap: Content, Equatable {
    var patrolId: UUID
    var workerName: String
    var gridId: UUID?
    var points: [PatrolTrackPoint]
}

/// Visits coverage (走访覆盖) of one node for a report: planned visits due in the period and those done on time.
struct VisitsCoverage: Content, Equatable {
    var nodeId: UUID
    var planned: Int
    var onTime: Int

    var share: Double? { planned == 0 ? nil : Double(onTime) / Double(planned) }
}

/// The devices registered at one node path (a compound, a building, a home), as the device feature counts them.
struct DevicesAtPath: Sendable, Equatable {
    var path: String
    var devices: Int
    var offline: Int
    /// Devices with at least one active alarm.
    var alarmed: Int
}

/// A grid's devices on the map: how many, how many are offline and how many have an active alarm.
struct CommandCentreGridDevices: Content, Equatable {
    var gridId: UUID
    var devices: Int
    var offline: Int
    var alarmed: Int
}

/// What other features tell the command centre and the reports, registered at start-up (`app.commandCentre`).
/// The patrol and visit features live on their own; until one registers, the pages say there is no data.
struct CommandCentreProviders: Sendable {
    /// Workers on patrol now inside the scope, as far as `viewer` may see them (a worker's position is personal data).
    typealias Patrols = @Sendable (_ db: any Database, _ scope: DataScope, _ now: Date, _ viewer: Actor?) async throws -> [PatrolOnMap]
    /// One patrol's track when `viewer` may read it; nil when it does not exist for them.
    typealias Track = @Sendable (_ db: any Database, _ viewer: Actor, _ patrolID: UUID) async throws -> TrackOnMap?
    /// Coverage of each of `nodes` for visits due on the days `from`…`to` (inclusive, `yyyy-MM-dd`).
    typealias Visits = @Sendable (_ db: any Database, _ nodes: [OrgNode], _ from: String, _ to: String) async throws -> [VisitsCoverage]

    /// Devices in the subtree under `path`, counted per node path.
    typealias Devices = @Sendable (_ db: any Database, _ path: String, _ now: Date) async throws -> [DevicesAtPath]

    var patrols: Patrols?
    var track: Track?
    var visits: Visits?
    var devices: Devices?
    /// The device list of a grid in a status (`alarm`, `offline` or empty for all).
    var devicesLink: (@Sendable (_ gridID: UUID, _ status: String) -> String)?
    /// Extra panels other features add below the desk's trends (the assessment's latest ranking); nil: nothing to show.
    var sections: [@Sendable (_ req: Request, _ node: OrgNode?) async throws -> HTML?] = []
}

extension Application {
    private struct ProvidersKey: StorageKey { typealias Value = CommandCentreProviders }

    var commandCentre: CommandCentreProviders {
        get { storage[ProvidersKey.self] ?? CommandCentreProviders() }
        set { storage[ProvidersKey.self] = newValue }
    }
}

/// The patrol panel's data: `available` is false until the patrol feature is registered.
struct CommandCentrePatrolsBlock: Content, Equatable {
    var available: Bool
    var active: [PatrolOnMap]
}
