import ArgumentParser
import ConvoKit

/// Dynamic completions: the generated shell scripts call back into `convo ---completion …`, which lands here.
enum DynamicCompletion {
    /// The environment of the command line being completed (set by `ConvoMain.run`, so tests complete in-process).
    @TaskLocal static var environment: ConvoEnvironment?

    /// Completes revisions: HEAD, branches, recent short ids. Outside a repository, nothing.
    static let revision = CompletionKind.custom { _, _, prefix in
        forShell((try? Completion.revisions(Workspace.open(environment ?? .live(), for: .read), prefix: prefix)) ?? [])
    }

    /// Completes branch names.
    static let branch = CompletionKind.custom { _, _, prefix in
        forShell((try? Completion.branches(Workspace.open(environment ?? .live(), for: .read), prefix: prefix)) ?? [])
    }

    /// Completes preset names (`config preset.NAME.*`).
    static let preset = CompletionKind.custom { _, _, prefix in
        forShell((try? Completion.presets(Workspace.open(environment ?? .live(), for: .read), prefix: prefix)) ?? [])
    }

    /// The candidates as the requesting shell must receive them. bash's script hands them to `compgen -W`, which
    /// expands every word (`$(…)` and backquotes run, `${…}` is substituted) and ArgumentParser does not escape
    /// them; a branch name may hold `$`, `(`, `{` (git allows them) and can come from an import or a pull. So
    /// for bash each ASCII character other than a letter, a digit or `/._-@` gets a backslash, which compgen's
    /// quote removal takes away again: the candidate is the literal name.
    static func forShell(_ candidates: [String]) -> [String] {
        guard (environment ?? .live()).variables["SAP_SHELL"] == "bash" else { return candidates }
        return candidates.map { candidate in
            var escaped = ""
            for scalar in candidate.unicodeScalars {
                if scalar.isASCII && !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-@".unicodeScalars.contains(scalar)) {
                    escaped.append("\\")
                }
                escaped.unicodeScalars.append(scalar)
            }
            return escaped
        }
    }
}
