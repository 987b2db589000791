import ConvoJSON

/// The JSON value of canonical bytes, turn parameters and `--json` output: ConvoJSON's, one type for
/// the store and the client, so that a number keeps its type and value on every path.
public typealias JSONValue = ConvoJSON.JSONValue
