import Foundation
import Testing

/// scripts/check-layers.sh: no target under Sources/ imports across a layer rule (Sources/README.md), and the
/// script does fail, naming file and import, when one does.
@Suite struct LayerRuleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs the script over `root` through sh; returns its status and stdout.
    func check(_ root: URL) throws -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Self.root.appendingPathComponent("scripts/check-layers.sh").path, root.path]
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    @Test func noTargetImportsAcrossALayerRule() throws {
        let result = try check(Self.root)
        #expect(result.status == 0, "\(result.out)")
        #expect(result.out.isEmpty)
    }

    @Test func anImportAcrossARuleFailsNamingTheFileAndTheImport() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("convo-layers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        let planted = [
            ("ConvoCLI", "Planted.swift", "import ArgumentParser\nimport ConvoStore\n"),
            ("ConvoStore", "Planted.swift", "import Foundation\n@preconcurrency import NIOCore\n"),
            ("ResponsesAPI", "Planted.swift", "public import GRDB\n"),
            ("ResponsesEmulator", "Planted.swift", "import struct ResponsesAPI.Usage\n"),
            ("ConvoKit", "Planted.swift", "import ArgumentParser\n"),
            ("ConvoKit", "Allowed.swift", "import ConvoStore\nimport ResponsesAPI\n// import ArgumentParser in a comment\n"),
        ]
        for (target, file, text) in planted {
            let folder = copy.appendingPathComponent("Sources/\(target)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: folder.appendingPathComponent(file))
        }
        let result = try check(copy)
        #expect(result.status == 1)
        #expect(result.out.split(separator: "\n").sorted() == [
            "Sources/ConvoCLI/Planted.swift:2: ConvoCLI imports ConvoStore (forbidden: ConvoCLI must not import ConvoStore)",
            "Sources/ConvoKit/Planted.swift:1: ConvoKit imports ArgumentParser (forbidden: ConvoKit must not import ArgumentParser)",
            "Sources/ConvoStore/Planted.swift:2: ConvoStore imports NIOCore (forbidden: ConvoStore must not import NIO*)",
            "Sources/ResponsesAPI/Planted.swift:1: ResponsesAPI imports GRDB (forbidden: ResponsesAPI must not import GRDB)",
            "Sources/ResponsesEmulator/Planted.swift:1: ResponsesEmulator imports ResponsesAPI (forbidden: ResponsesEmulator must not import ResponsesAPI)",
        ])
    }
}
