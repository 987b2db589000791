// ConvoKit
