import Testing
@testable import JingzhiApp

/// The vote rules with counts worked out by hand: ballots cast (yes + no + abstain) are the base of both rules,
/// turnout under the quorum makes a vote invalid.
@Suite struct VoteRulesTests {
    @Test(arguments: [
        // yes, no, abstain, eligible, quorum %, rule, outcome
        (6, 4, 0, 10, 50, VoteRule.majority, VoteOutcome.passed),      // 12 > 10
        (5, 5, 0, 10, 50, .majority, .rejected),                       // a tie is not a majority: 10 > 10 fails
        (5, 3, 2, 10, 50, .majority, .rejected),                       // abstentions count: 10 > 10 fails
        (6, 3, 1, 10, 50, .majority, .passed),                         // 12 > 10
        (8, 4, 0, 20, 50, .twoThirds, .passed),                        // 24 ≥ 24, turnout 12/20
        (7, 4, 0, 20, 50, .twoThirds, .rejected),                      // 21 < 22
        (14, 6, 1, 30, 60, .twoThirds, .passed),                       // 42 ≥ 42, turnout 21/30 = 70 %
        (4, 0, 0, 10, 50, .majority, .invalid),                        // 40 % < 50 %, all yes still decides nothing
        (3, 2, 0, 10, 50, .majority, .passed),                         // exactly 50 % is a quorum; 6 > 5
        (0, 0, 0, 0, 50, .majority, .invalid),                         // nobody may vote
    ])
    func outcome(_ c: (Int, Int, Int, Int, Int, VoteRule, VoteOutcome)) {
        let tally = VoteTally(yes: c.0, no: c.1, abstain: c.2, eligible: c.3)
        #expect(tally.outcome(rule: c.5, quorumPercent: c.4) == c.6, "\(c)")
    }

    @Test func turnoutIsBallotsOverEligibleVoters() {
        #expect(VoteTally(yes: 2, no: 1, abstain: 1, eligible: 8).quorate(50))
        #expect(!VoteTally(yes: 2, no: 1, abstain: 0, eligible: 8).quorate(50))
        #expect(VoteTally(yes: 1, no: 0, abstain: 0, eligible: 3).quorate(33))
        #expect(!VoteTally(yes: 1, no: 0, abstain: 0, eligible: 3).quorate(34))
    }
}
