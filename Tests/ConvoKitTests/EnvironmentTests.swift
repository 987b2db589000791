import Foundation
import Testing

@testable import ConvoKit

@Suite(.serialized) struct EnvironmentTests {
    /// convo reads its environment from `environ` (cheaper at start-up than ProcessInfo); it must see the same.
    @Test func theLiveEnvironmentHoldsWhatProcessInfoHolds() {
        #expect(ConvoEnvironment.live().variables == ProcessInfo.processInfo.environment)
        #expect(ConvoEnvironment.processVariables() == ProcessInfo.processInfo.environment)
    }

    /// A value may itself contain `=`; only the first one separates the name.
    @Test func aValueKeepsItsEqualsSigns() throws {
        setenv("CONVO_TEST_EQUALS", "a=b=c", 1)
        defer { unsetenv("CONVO_TEST_EQUALS") }
        #expect(ConvoEnvironment.processVariables()["CONVO_TEST_EQUALS"] == "a=b=c")
    }
}
