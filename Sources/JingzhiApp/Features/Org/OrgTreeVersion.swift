import JingzhiCore
import NIOConcurrencyHelpers

/// A counter this process bumps after every change to the org tree (a node created, renamed, moved, deleted or given a
/// boundary). Caches of figures drawn from the tree — the command centre's grids and households per grid — put it in
/// their keys, so this process never serves a tree older than its own last change. (Other processes' changes show
/// when the entries expire.)
enum OrgTreeVersion {
    private static let counter = NIOLockedValueBox(0)

    static var current: Int { counter.withLockedValue { $0 } }

    static func bump() { counter.withLockedValue { $0 += 1 } }
}
