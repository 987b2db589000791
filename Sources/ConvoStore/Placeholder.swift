// ConvoStore
