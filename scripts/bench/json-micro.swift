// Decode and encode of one typical turn's canonical bytes, compiled with -O together with a JSONValue
// implementation by scripts/bench-json.sh (no package, so before and after compile the same way).
import Foundation

let turn = #"{"created_at":1764107640,"origin":"https://api.x.ai/v1","request":{"input":[{"content":"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78","role":"user"}],"model":"grok-4","parameters":{"max_output_tokens":1000,"temperature":0.7}},"response":{"id":"resp_68e3c4a1b2","model":"grok-4-0709","output":[{"content":"e24f0faffc2fe6b7b72d7f75c49fdd440634fe1ce51aa14bfee1120a06119988","id":"msg_68e3c4a1b2","role":"assistant","type":"message"}],"raw":"8aec4e4876f854f688d0ebfc8f37598f38e5fd6903cccc850ca36591175aeb60","status":"completed","usage":{"cached_tokens":96,"input_tokens":412,"output_tokens":380,"reasoning_tokens":120}},"stored":true}"#
let bytes = Array(turn.utf8)
let rounds = 20_000
func measure(_ name: String, _ body: () throws -> Int) rethrows {
    var best = Double.infinity
    var check = 0
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        check &+= try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(rounds))
    }
    print("\(name): \(String(format: "%.2f", best / 1000)) µs per turn (best of 5 × \(rounds)) [\(check % 10)]")
}
let value = try JSONValue.parse(bytes)
precondition(value.canonicalBytes == bytes, "the typical turn is canonical")
try measure("decode") { var n = 0; for _ in 0..<rounds { n &+= try JSONValue.parse(bytes).objectValue!.count }; return n }
measure("encode") { var n = 0; for _ in 0..<rounds { n &+= value.canonicalBytes.count }; return n }
