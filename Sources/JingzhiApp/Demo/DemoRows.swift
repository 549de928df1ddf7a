import Foundation
import JingzhiCore

/// Rows the demo generator produces, column for column as the tables store them.
struct NodeRow {
    let id: UUID
    let parentID: UUID?
    let kind: NodeKind
    let code: String
    let name: String
    let path: String
    let segment: String
    let depth: Int
    var boundary: String? = nil
    var address: String? = nil
    var partyOrgName: String? = nil
    var partySecretary: String? = nil
    var partyContact: String? = nil

    /// The row of child number `ordinal` (from 0) of `parent`.
    static func child(of parent: NodeRow, ordinal: Int, id: UUID, kind: NodeKind, code: String, name: String) -> NodeRow {
        let segment = PathSegment.make(ordinal)
        return NodeRow(id: id, parentID: parent.id, kind: kind, code: code, name: name,
                       path: parent.path + segment, segment: segment, depth: parent.depth + 1)
    }
}

struct HouseholdRow {
    let id: UUID
    let nodeID: UUID
    let nodePath: String
    let room: String
    let address: String
    let occupancy: String
}

struct ResidentRow {
    let id: UUID
    let householdID: UUID
    let nodeID: UUID
    let nodePath: String
    let name: String
    let male: Bool
    let birthDate: String
    let age: Int
    let idNumber: String
    let phone: String?
    let relation: String
    var tags: [String]
    let note: String?
    let importKey: String
}

struct TagRow {
    let id: UUID
    let residentID: UUID
    let tag: String
    let nodePath: String
}

struct VisitRow {
    let id: UUID
    let householdID: UUID
    let nodePath: String
    let visitorName: String
    let visitedOn: String
    let kind: String
    let notes: String
    let createdAt: Date
}

struct WorkerRow {
    let id: UUID
    let gridID: UUID
    let nodePath: String
    let name: String
    let phone: String
    let duty: String
}

/// Everything generated for one part of the tree, inserted together (parents before children).
struct DemoBatch {
    var nodes: [NodeRow] = []
    var households: [HouseholdRow] = []
    var residents: [ResidentRow] = []
    var tags: [TagRow] = []
    var visits: [VisitRow] = []
    var workers: [WorkerRow] = []
}

/// Records the generator remembers for the demo accounts.
struct DemoLandmarks {
    struct Worker {
        let id: UUID
        let name: String
        let phone: String
        let gridPath: String
    }

    struct Person {
        let id: UUID
        let name: String
        let phone: String
        let address: String
    }

    /// The first worker (网格长) of each grid, by grid code.
    var firstWorkers: [String: Worker] = [:]
    /// A resident of 古亭社区 第一网格 for the `resident_demo` account.
    var demoResident: Person?
    /// The first compound of each community, by community code.
    var firstCompounds: [String: String] = [:]
}
