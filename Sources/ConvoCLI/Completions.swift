import ArgumentParser
import ConvoKit

/// Dynamic completions: the generated shell scripts call back into `convo ---completion …`, which lands here.
enum DynamicCompletion {
    /// The environment of the command line being completed (set by `ConvoMain.run`, so tests complete in-process).
    @TaskLocal static var environment: ConvoEnvironment?

    /// Completes revisions: HEAD, branches, recent short ids. Outside a repository, nothing.
    static let revision = CompletionKind.custom { _, _, prefix in
        (try? Completion.revisions(Workspace.open(environment ?? .live(), for: .read), prefix: prefix)) ?? []
    }

    /// Completes branch names.
    static let branch = CompletionKind.custom { _, _, prefix in
        (try? Completion.branches(Workspace.open(environment ?? .live(), for: .read), prefix: prefix)) ?? []
    }

    /// Completes preset names (`config preset.NAME.*`).
    static let preset = CompletionKind.custom { _, _, prefix in
        (try? Completion.presets(Workspace.open(environment ?? .live(), for: .read), prefix: prefix)) ?? []
    }
}
