import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The time source of the whole app. Tests replace it to move time without sleeping.
public final class AppClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)
    private let fixed = NIOLockedValueBox<Date?>(nil)

    public init() {}

    public func now() -> Date {
        if let date = fixed.withLockedValue({ $0 }) { return date }
        return Date().addingTimeInterval(offset.withLockedValue { $0 })
    }

    /// Freezes time at `date` (tests).
    public func set(_ date: Date) { fixed.withLockedValue { $0 = date } }

    /// Moves time forward by `seconds` (tests).
    public func advance(_ seconds: TimeInterval) {
        fixed.withLockedValue { value in
            if let v = value { value = v.addingTimeInterval(seconds) }
        }
        offset.withLockedValue { $0 += seconds }
    }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = AppClock }
    public var clock: AppClock {
        if let c = storage[ClockKey.self] { return c }
        let c = AppClock()
        storage[ClockKey.self] = c
        return c
    }

    private struct SettingsKey: StorageKey { typealias Value = Settings }
    public var settings: Settings {
        get { storage[SettingsKey.self] ?? Settings(dataDirectory: "./data") }
        set { storage[SettingsKey.self] = newValue }
    }
}

