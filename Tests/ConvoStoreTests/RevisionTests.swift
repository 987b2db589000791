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
        #expect(try Revision.parse("HEAD~") == .ancestor(.name("HEAD"), generations: 1))
        #expect(try Revision.parse("HEAD~3") == .ancestor(.name("HEAD"), generations: 3))
        #expect(try Revision.parse("main^") == .ancestor(.name("main"), generations: 1))
        #expect(try Revision.parse("main^1") == .ancestor(.name("main"), generations: 1))
        #expect(try Revision.parse("main^0") == .name("main"))
        #expect(try Revision.parse("HEAD~2^") == .ancestor(.ancestor(.name("HEAD"), generations: 2), generations: 1))
        #expect(try Revision.parse("abc123~10") == .ancestor(.name("abc123"), generations: 10))
    }

    @Test func reflogSelectors() throws {
        #expect(try Revision.parse("HEAD@{2}") == .reflog(ref: "HEAD", index: 2))
        #expect(try Revision.parse("main@{0}") == .reflog(ref: "main", index: 0))
        #expect(try Revision.parse("@{1}") == .reflog(ref: nil, index: 1))
        #expect(try Revision.parse("main@{1}~2") == .ancestor(.reflog(ref: "main", index: 1), generations: 2))
    }

    @Test(arguments: ["", "~2", "HEAD^2", "HEAD@{x}", "HEAD@{1", "HEAD@{-1}", "^"])
    func malformedRevisionsAreRejected(text: String) {
        #expect(throws: StoreError.self) { try Revision.parse(text) }
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
}
