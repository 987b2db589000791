import Foundation
import Testing

@testable import ConvoStore

@Suite struct SearchQueryTests {
    @Test func wordsPhrasesAndPrefixesBecomeQuotedFTSTerms() throws {
        #expect(try SearchQuery("rome trip").ftsExpression == #""rome" "trip""#)
        #expect(try SearchQuery(#""my name" alice"#).ftsExpression == #""my name" "alice""#)
        #expect(try SearchQuery("colos* what's").ftsExpression == #""colos"* "what's""#)
        #expect(try SearchQuery(#""day 1"*"#).ftsExpression == #""day 1"*"#)
        // FTS5 operators are words like any other.
        #expect(try SearchQuery("cats OR NOT dogs:").ftsExpression == #""cats" "OR" "NOT" "dogs:""#)
    }

    /// A term typed again adds nothing (every term is required) but FTS5's work: one word typed 800 times took 95 s on
    /// 10,000 turns. Terms that differ (a prefix, a longer phrase, another case) are kept.
    @Test func aRepeatedTermIsSearchedOnce() throws {
        let repeated = Array(repeating: "rome", count: 800).joined(separator: " ")
        #expect(try SearchQuery(repeated + " trip rome").ftsExpression == #""rome" "trip""#)
        #expect(try SearchQuery(#"rome rome* "rome" Rome "rome trip""#).ftsExpression == #""rome" "rome"* "Rome" "rome trip""#)
    }

    @Test func malformedQueriesAreRefusedWithTheReason() {
        let cases: [(String, String)] = [
            (#""my name"#, "the quote is not closed"),
            ("*", "'*' needs a word before it"),
            ("pl*an", "'*' may only end a word"),
            ("!!!", "'!!!' has no letters or digits"),
            (#""  ""#, "is empty"),
            ("   ", "it is empty"),
        ]
        for (text, reason) in cases {
            #expect {
                try SearchQuery(text)
            } throws: { error in
                guard case StoreError.invalidSearchQuery(let query, let message) = error else { return false }
                return query == text && message.contains(reason)
            }
        }
    }
}

@Suite struct SearchTests {
    /// A conversation of three turns on main written in a shuffled time order, and one turn on a side line.
    static func repository() throws -> (Repository, main: [ObjectID], side: ObjectID) {
        let repository = try Repository.inMemory()
        let main = try repository.write { writer -> [ObjectID] in
            let texts = [
                ("Hello, my name is Alice. Remember this.", "Hello Alice! I will remember that.", Int64(1_000)),
                ("What's my name?", "Your name is Alice.", 3_000),
                ("Plan a café crawl in Rome", "Day 1: the Colosseum.\n\nDay 2: a café near the Vatican.", 2_000),
            ]
            var parent: ObjectID?
            var ids = [ObjectID]()
            for (input, output, time) in texts {
                let id = try writer.insert(.simple(input, output, parent: parent, at: time))
                _ = try writer.advanceHead(to: id, expecting: parent, message: "say")
                parent = id
                ids.append(id)
            }
            return ids
        }
        let side = try repository.write { try $0.insert(.simple("Name a dog", "Rex is a name for a dog.", parent: main[0], at: 2_500)) }
        return (repository, main, side)
    }

    static func search(_ repository: Repository, _ text: String, scope: SearchScope = .everything, limit: Int = 20) throws -> SearchResults {
        try repository.read { try $0.search(try SearchQuery(text), scope: scope, limit: limit) }
    }

    @Test func newestFirstByCreationTimeNotByWriteOrder() throws {
        let (repository, main, side) = try Self.repository()
        let results = try Self.search(repository, "name")
        #expect(results.hits.map(\.summary.id) == [main[1], side, main[0]])
        #expect(results.total == 3)
    }

    @Test func phrasesKeepWordOrderAndPrefixesMatchLongerWords() throws {
        let (repository, main, _) = try Self.repository()
        #expect(try Self.search(repository, #""my name""#).hits.map(\.summary.id) == [main[1], main[0]])
        #expect(try Self.search(repository, #""name my""#).hits.isEmpty)
        #expect(try Self.search(repository, "colos*").hits.map(\.summary.id) == [main[2]])
        #expect(try Self.search(repository, "colos").hits.isEmpty, "a word matches whole words only")
        // Case, accents and punctuation do not matter; every word must appear, in either text.
        #expect(try Self.search(repository, "CAFE what's").hits.isEmpty)
        #expect(try Self.search(repository, "cafe vatican").hits.map(\.summary.id) == [main[2]])
        #expect(try Self.search(repository, "what's").hits.map(\.summary.id) == [main[1]])
    }

    @Test func aHitSaysWhichTextMatchedAndHighlightsTheMatches() throws {
        let (repository, _, _) = try Self.repository()
        let rome = try #require(try Self.search(repository, "colosseum rome").hits.first)
        #expect(rome.matched == [.input, .output])
        let dog = try #require(try Self.search(repository, "rex").hits.first)
        #expect(dog.matched == [.output])
        #expect(dog.side == .output)
        #expect(dog.snippet.text == "Rex is a name for a dog.")
        #expect(dog.snippet.fragments.filter(\.highlighted).map(\.text) == ["Rex"])
        let vatican = try #require(try Self.search(repository, "vatican").hits.first)
        #expect(vatican.snippet.text == "Day 1: the Colosseum. Day 2: a café near the Vatican.", "newlines collapse to spaces")
    }

    @Test func theScopeLimitsTheSearchToAConversationLine() throws {
        let (repository, main, side) = try Self.repository()
        #expect(try Self.search(repository, "name", scope: .ancestry(of: main[2])).hits.map(\.summary.id) == [main[1], main[0]])
        #expect(try Self.search(repository, "name", scope: .ancestry(of: side)).hits.map(\.summary.id) == [side, main[0]])
        #expect(try Self.search(repository, "dog", scope: .ancestry(of: main[2])).hits.isEmpty)
    }

    @Test func theLimitKeepsTheNewestAndTheTotalCountsThemAll() throws {
        let (repository, main, side) = try Self.repository()
        let everything = try Self.search(repository, "name", limit: 2)
        #expect(everything.hits.map(\.summary.id) == [main[1], side])
        #expect(everything.total == 3)
        let line = try Self.search(repository, "name", scope: .ancestry(of: main[2]), limit: 1)
        #expect(line.hits.map(\.summary.id) == [main[1]])
        #expect(line.total == 2)
    }

    @Test func aLongConversationIsSearchedByFilteringAllMatches() throws {
        let repository = try Repository.inMemory()
        let count = StoreReader.turnByTurnLimit + 20
        let ids = try repository.appendChain(count, prefix: "step")
        try repository.write { _ = try $0.insert(.simple("step elsewhere", "not on main", at: 1_764_000_000 + Int64(count))) }
        let results = try Self.search(repository, "step", scope: .ancestry(of: ids.last!), limit: 3)
        #expect(results.hits.map(\.summary.id) == Array(ids.suffix(3).reversed()))
        #expect(results.total == count)
        #expect(try Self.search(repository, "step", limit: 1).total == count + 1)
    }

    @Test func theIndexKeepsNoPositionsSoPhraseWordsApartOrReversedDoNotMatch() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.write { writer in
            try [
                ("the red apple fell", "ok", Int64(1_000)),  // the phrase itself
                ("apple red, never the other way", "ok", 2_000),  // reversed
                ("a red car and an apple", "ok", 3_000),  // apart
                ("red", "apple", 4_000),  // one word in each text
            ].map { try writer.insert(.simple($0.0, $0.1, at: $0.2)) }
        }
        let sql = try repository.queue.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'turn_search'") }
        #expect(sql?.contains("detail = none") == true)
        // All four hold both words: the index alone would answer all of them.
        #expect(try Self.search(repository, "red apple").hits.map(\.summary.id) == ids.reversed())
        let phrase = try Self.search(repository, #""red apple""#)
        #expect(phrase.hits.map(\.summary.id) == [ids[0]])
        #expect(phrase.total == 1 && phrase.totalIsExact, "every candidate was checked")
        #expect(try Self.search(repository, #""apple red""#).hits.map(\.summary.id) == [ids[1]])
        #expect(try Self.search(repository, #""red apple" car"#).hits.isEmpty)
        #expect(try Self.search(repository, #""red app"*"#).hits.map(\.summary.id) == [ids[0]])
        // Punctuation splits a word into two that must stand together too.
        let punctuated = try repository.write { try $0.insert(.simple("red-apple", "ok", at: 5_000)) }
        #expect(try Self.search(repository, "red-apple").hits.map(\.summary.id) == [punctuated, ids[0]])
    }

    @Test func aPhraseIsCheckedOnlyUntilTheLimitAndThenTheTotalIsALowerBound() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.write { writer in
            try (0..<6).map { try writer.insert(.simple($0 % 2 == 0 ? "blue sky \($0)" : "sky blue \($0)", "ok", at: 1_000 + Int64($0))) }
        }
        let all = try Self.search(repository, #""blue sky""#)
        #expect(all.hits.map(\.summary.id) == [ids[4], ids[2], ids[0]])
        #expect(all.total == 3 && all.totalIsExact)
        let limited = try Self.search(repository, #""blue sky""#, limit: 1)
        #expect(limited.hits.map(\.summary.id) == [ids[4]])
        // Six turns hold both words; the check covered them all in one batch here, so the count is exact.
        #expect(limited.total == 3 && limited.totalIsExact)
        let many = try Repository.inMemory()
        let chain = try many.write { writer in
            try (0..<(3 * StoreReader.checkBatch)).map {
                try writer.insert(.simple($0 % 2 == 0 ? "blue sky \($0)" : "sky blue \($0)", "ok", at: 1_000 + Int64($0)))
            }
        }
        let bounded = try Self.search(many, #""blue sky""#, limit: 2)
        #expect(bounded.hits.map(\.summary.id) == [chain[chain.count - 2], chain[chain.count - 4]])
        #expect(!bounded.totalIsExact)
        #expect(bounded.total >= 2 && bounded.total < chain.count / 2)
        #expect(bounded.candidates < chain.count && bounded.candidates >= chain.count / 2)
        #expect(try Self.search(many, #""blue sky""#, limit: chain.count).total == chain.count / 2)
    }

    @Test func theSideIsFoundOnTheTextsSinceTheIndexKeepsNoColumns() throws {
        let repository = try Repository.inMemory()
        let (both, output, split) = try repository.write { writer in
            (
                try writer.insert(.simple("Tell me about the green tea", "Green tea is a tea.", at: 1_000)),
                try writer.insert(.simple("What should I drink?", "Try green tea.", at: 2_000)),
                try writer.insert(.simple("green", "tea", at: 3_000))
            )
        }
        let phrase = try Self.search(repository, #""green tea""#)
        #expect(phrase.hits.map(\.summary.id) == [output, both])
        #expect(phrase.hits.map(\.matched) == [[.output], [.input, .output]])
        #expect(phrase.hits[0].side == .output, "the phrase is only in the answer")
        #expect(phrase.hits[0].snippet.fragments.filter(\.highlighted).map(\.text) == ["green tea"])
        let words = try Self.search(repository, "green tea")
        #expect(words.hits.map(\.summary.id) == [split, output, both])
        #expect(words.hits[0].matched == [.input, .output])
        #expect(try Self.search(repository, "drink").hits.map(\.side) == [.input])
    }

    @Test func wordsAfterANULAreFoundAndShown() throws {
        let repository = try Repository.inMemory()
        let id = try repository.write { try $0.insert(.simple("abc\0def ghi", "first\0second third", at: 1_000)) }
        let input = try Self.search(repository, "def")
        #expect(input.hits.map(\.summary.id) == [id])
        #expect(input.hits.first?.matched == [.input])
        #expect(input.hits.first?.snippet.fragments.filter(\.highlighted).map(\.text) == ["def"])
        // FTS5's snippet() copies the text between words with printf's %.*s, which drops the NUL itself.
        #expect(input.hits.first?.snippet.fragments.map(\.text) == ["abc", "def", " ghi"], "the text around the NUL stays")
        #expect(try Self.search(repository, #""second third""#).hits.map(\.side) == [.output])
        #expect(try Self.search(repository, "ghi sec*").hits.map(\.matched) == [[.input, .output]])
    }

    @Test func turnsMinutesApartGetNeighbouringDocidsSoTheIndexStoresSmallGaps() throws {
        let repository = try Repository.inMemory()
        try repository.write(packing: true) { writer in
            for minute in Int64(0)..<5 { _ = try writer.insert(.simple("turn \(minute)", "answer", at: 1_700_000_000 + 600 * minute)) }
        }
        _ = try repository.write { try $0.insert(.simple("one more", "answer", at: 1_700_004_000)) }
        let docids = try repository.queue.read { try Int64.fetchAll($0, sql: "SELECT docid FROM search_doc ORDER BY docid") }
        #expect(docids.count == 6)
        #expect(zip(docids, docids.dropFirst()).allSatisfy { $1 - $0 == 1 }, "docids \(docids)")
        #expect(try Self.search(repository, "answer").total == 6)
    }

    @Test func newestFirstAcrossTimeBucketsWhateverTheWriteOrder() throws {
        let repository = try Repository.inMemory()
        // Times in three buckets (2^20 s apart), written newest first, oldest last, then one in the middle bucket.
        let times: [Int64] = [3 << 20 + 5, 3 << 20 + 1, 1 << 20, 2 << 20 + 9, 3, 2 << 20 + 10]
        let ids = try repository.write { writer in try times.map { try writer.insert(.simple("the word \($0)", "answer", at: $0)) } }
        let newestFirst = zip(times, ids).sorted { $0.0 > $1.0 }.map(\.1)
        for limit in 1...6 {
            #expect(try Self.search(repository, "word", limit: limit).hits.map(\.summary.id) == Array(newestFirst.prefix(limit)))
            #expect(try Self.search(repository, #""the word""#, limit: limit).hits.map(\.summary.id) == Array(newestFirst.prefix(limit)))
        }
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }

    @Test func turnsWrittenInOneSecondKeepTheirWriteOrder() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.write(packing: true) { writer in
            try (0..<5).map { try writer.insert(.simple("same second \($0)", "answer", at: 7)) }
        }
        #expect(try Self.search(repository, "second").hits.map(\.summary.id) == ids.reversed())
    }
}
