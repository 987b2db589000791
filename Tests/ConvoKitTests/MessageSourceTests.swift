import Foundation
import Testing

@testable import ConvoKit

@Suite struct ScissorsTests {
    @Test func everythingBelowTheScissorsIsIgnoredAndNothingAboveIsTouched() {
        let template = MessageSource.template(previous: (said: "Hi", answer: "# Hello"))
        #expect(MessageSource.message(inEdited: "# Title\n#tag\n  body \n" + template) == "# Title\n#tag\n  body \n\n")
        #expect(MessageSource.message(inEdited: "a\r\nb\r\n" + MessageSource.scissors + "\r\nignored") == "a\r\nb\r\n")
        // Without the scissors line the whole file is the message, as git does.
        #expect(MessageSource.message(inEdited: "# kept\ntext") == "# kept\ntext")
        #expect(MessageSource.message(inEdited: MessageSource.scissors + "\nall ignored").isEmpty)
    }
}

@Suite struct BranchSlugTests {
    @Test func theSlugIsTheFirstWordsLowercasedAndJoinedByDashes() {
        #expect(NewConversation.slug("Plan a trip to Rome, then Florence!") == "plan-a-trip-to-rome")
        #expect(NewConversation.slug("  Café   au lait?\n# no") == "café-au-lait-no")
        #expect(NewConversation.slug("Supercalifragilisticexpialidocious is a rather long word") == "supercalifragilisticexpialidocious-is-a")
        #expect(NewConversation.slug("?!... ---") == "conversation")
        #expect(NewConversation.slug("").isEmpty == false)
    }
}
