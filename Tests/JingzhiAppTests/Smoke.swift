import Testing
import VaporTesting
@testable import JingzhiApp
@Test func smoke() { #expect(1 == 1) }
