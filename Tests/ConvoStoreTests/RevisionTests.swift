import Testing

@testable import ConvoStore

@Suite struct RevisionParsingTests {
    @Test func plainNames() throws {
        #expect(try Revision.parse("HEAD") == .name("HEAD"))
        #expect(try Revision.parse("@") == .name("HEAD"))
        #expect(try Revision.parse("travel/rome") == .name("travel/rome"))
        #expect(try Revision.parse("3f9a2c1") == .name("3f9a2c1"))
        #expect(try Revision.parse("resp_68c9f0e1") == .name("resp_68c9f0e1"))
        #expect(try Revision.parse("0d5d5a7e-0a4b-4d5e-9d3c-2f1a6c7b8e90") == .name("0d5d5a7e-0a4b-4d5e-9d3c-2f1a6c7b8e90"))
    }

    @Test func ancestorSuffixes() throws {
        #expect(try Revision.parse("HEAD~") == Revision(.name("HEAD"), generations: 1))
        #expect(try Revision.parse("HEAD~3") == Revision(.name("HEAD"), generations: 3))
        #expect(try Revision.parse("main^") == Revision(.name("main"), generations: 1))
        #expect(try Revision.parse("main^1") == Revision(.name("main"), generations: 1))
        #expect(try Revision.parse("main^0") == .name("main"))
        #expect(try Revision.parse("HEAD~2^") == Revision(.name("HEAD"), generations: 3))
        #expect(try Revision.parse("HEAD^^^^") == Revision(.name("HEAD"), generations: 4))
        #expect(try Revision.parse("abc123~10") == Revision(.name("abc123"), generations: 10))
        #expect(try Revision.parse("v1~0") == .name("v1"))
        #expect(try Revision.parse("café~2") == Revision(.name("café"), generations: 2))
    }

    @Test func reflogSelectors() throws {
        #expect(try Revision.parse("HEAD@{2}") == .reflog(ref: "HEAD", index: 2))
        #expect(try Revision.parse("main@{0}") == .reflog(ref: "main", index: 0))
        #expect(try Revision.parse("@{1}") == .reflog(ref: nil, index: 1))
        #expect(try Revision.parse("main@{1}~2") == Revision(.reflog(ref: "main", index: 1), generations: 2))
    }

    @Test(arguments: ["", "~2", "HEAD^2", "HEAD@{x}", "HEAD@{1", "HEAD@{-1}", "^", "HEAD~99999999999999999999"])
    func malformedRevisionsAreRejected(text: String) {
        #expect(throws: StoreError.self) { try Revision.parse(text) }
    }

    /// Long suffix chains parse flat (no recursion), up to the length limit and not one byte beyond it.
    @Test func longChainsParseFlatUpToTheLimit() throws {
        let atLimit = "HEAD" + String(repeating: "^", count: Revision.maximumLength - 4)
        #expect(try Revision.parse(atLimit) == Revision(.name("HEAD"), generations: Revision.maximumLength - 4))
        let tildes = "HEAD" + String(repeating: "~1", count: (Revision.maximumLength - 4) / 2)
        #expect(try Revision.parse(tildes).generations == (Revision.maximumLength - 4) / 2)
        for text in [atLimit + "^", "HEAD" + String(repeating: "~1", count: 20_000), "HEAD" + String(repeating: "^", count: 50_000)] {
            do {
                _ = try Revision.parse(text)
                Issue.record("\(text.count) characters were accepted")
            } catch {
                guard case .invalidRevision(let shown, let reason) = error else { Issue.record("\(error)"); continue }
                #expect(reason.contains("at most \(Revision.maximumLength)"), "\(reason)")
                #expect(shown.count < 50, "the message does not repeat the whole input")
            }
        }
    }

    @Test func generationsThatOverflowAreRejected() throws {
        #expect(throws: StoreError.self) { try Revision.parse("HEAD~\(Int.max)~1") }
        #expect((try? Revision.parse("HEAD~\(Int.max)")) == Revision(.name("HEAD"), generations: Int.max))
    }
}

@Suite struct BranchNameTests {
    @Test(arguments: ["main", "travel", "feature/x", "a.b", "v1-2_3", "ünïcode"])
    func validNames(name: String) throws {
        #expect(try BranchName(name).rawValue == name)
    }

    @Test(arguments: [
        "", "@", "HEAD", "-x", "/x", "x/", "a//b", "x.", "a..b", "a@{b", "a b", "a~b", "a^b", "a:b", "a?b", "a*b",
        "a[b", "a\\b", ".hidden", "x/.y", "x.lock", "a/b.lock/c", "tab\there", "del\u{7f}",
    ])
    func invalidNames(name: String) {
        #expect(throws: StoreError.self) { try BranchName(name) }
    }

    @Test func errorNamesTheRuleBroken() {
        #expect(BranchName.violation(in: "a..b") == "it contains '..'")
        #expect(BranchName.violation(in: "x.lock") == "a component ends with '.lock'")
    }

    /// Names of ASCII letters, digits, '-' and '_' take a short path (issue 11); the rules that can apply to them
    /// answer as they do for any name.
    @Test func wordNamesBreakOnlyTheRulesThatApplyToThem() {
        #expect(BranchName.gitViolation(in: "") == "it is empty")
        #expect(BranchName.gitViolation(in: "HEAD") == "'HEAD' is reserved")
        #expect(BranchName.gitViolation(in: "-") == "it starts with '-'")
        #expect(BranchName.gitViolation(in: "-x_1") == "it starts with '-'")
        for name in ["head", "HEADS", "conv-10", "_", "x-", "A_b-9", "main-2"] {
            #expect(BranchName.gitViolation(in: name) == nil, "\(name)")
        }
        #expect(BranchName.gitViolation(in: "HEAD.lock") == "a component ends with '.lock'", "past the short path")
    }
}
