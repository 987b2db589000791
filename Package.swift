// swift-tools-version: 6.1
import PackageDescription

/// Release builds of convo's own modules reach the metadata of generic types through accessor functions
/// instead of mangled names. Resolving `[String: String]` or `[ObjectID: TurnSummary]` by name proves
/// `Hashable` at run time by scanning every protocol conformance record of the static binary (about 9,400,
/// 0.28 M instructions a scan, once per type and protocol): 2–3 M instructions of each short command, whose
/// whole target is 5–12 M (BENCHMARKS.md, issue 11). An accessor passes the conformance it was compiled with.
/// Unsafe flags are allowed because convo is a root package that nothing depends on.
let startUp: [SwiftSetting] = [
    .unsafeFlags(
        ["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"],
        .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "convo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "convo", targets: ["convo"]),
        .executable(name: "convo-emulator", targets: ["convo-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The executable: one entry file that hands over to ConvoCLI.
        .executableTarget(
            name: "convo", dependencies: ["ConvoCLI"],
            swiftSettings: startUp,
            // Release builds export no symbols of their own: the static Swift runtime's link arguments ask
            // for --export-dynamic, which made the dynamic loader and the runtime's start-up dladdr search
            // 36,000 exported symbols on every start (1.4 M instructions; BENCHMARKS.md, issue 11). Unsafe
            // flags are allowed here because convo is a root package that nothing depends on.
            // Release links take SQLite, libstdc++ and zlib from their static archives (scripts/static-link): the
            // dynamic loader spent 2.9 M instructions relocating the three shared libraries on every start.
            linkerSettings: [
                .unsafeFlags(
                    ["-Xlinker", "--no-export-dynamic", "-L", Context.packageDirectory + "/scripts/static-link"],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        // Commands, argument parsing, rendering. The only target importing ArgumentParser.
        .target(
            name: "ConvoCLI",
            dependencies: [
                "ConvoKit", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A member of a module this target does not import cannot be used either, so with ConvoStore
            // out of its imports (scripts/check-layers.sh) nothing of the store reaches the commands.
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")] + startUp
        ),
        // Use cases: import/export, status, say, replay, gc.
        .target(
            name: "ConvoKit",
            dependencies: [
                "ConvoStore", "ResponsesAPI", "LLMLogs", "ConvoJSON",
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: startUp
        ),
        // The rows of the llm CLI's logs database, read-only: another program's schema, kept out of ConvoStore
        // (convo's own store) and below ConvoKit (the use cases know no SQL). No convo types.
        .target(name: "LLMLogs", dependencies: [.product(name: "GRDB", package: "GRDB.swift")], swiftSettings: startUp),
        // Object database, refs, HEAD, reflog, revisions, reachability, fsck. No networking.
        .target(
            name: "ConvoStore",
            dependencies: [
                "CZlib", "ConvoJSON",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: startUp
        ),
        // The one JSON value type, strict parser and canonical writer of the client, shared by ConvoStore
        // (canonical bytes) and ResponsesAPI (server bodies), which must not import each other. Depends on nothing.
        .target(name: "ConvoJSON", swiftSettings: startUp),
        // The system zlib.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The system libedit: the chat prompt's line editor (BSD licence; GNU readline is GPL).
        .systemLibrary(name: "CEditLine", providers: [.apt(["libedit-dev"])]),
        // HTTP client for the Responses API. No storage.
        .target(
            name: "ResponsesAPI",
            dependencies: [
                "ConvoJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: startUp
        ),
        // A local, deterministic Responses API server for tests and offline demos.
        .target(
            name: "ResponsesEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "convo-emulator",
            dependencies: [
                "ResponsesEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Test support, not a product command: drives TerminalChatInput on the pseudo-terminal EndToEndTests opens,
        // until `convo chat` uses it. Debug builds only (it imports ConvoCLI's internals).
        .executableTarget(name: "chat-input-probe", dependencies: ["ConvoCLI"], path: "Tests/ChatInputProbe"),

        .testTarget(name: "ConvoStoreTests", dependencies: ["ConvoStore"]),
        .testTarget(name: "ConvoJSONTests", dependencies: ["ConvoJSON"]),
        .testTarget(name: "ConvoKitTests", dependencies: ["ConvoKit", "ConvoStore", "ResponsesAPI"]),
        .testTarget(
            name: "ConvoCLITests",
            dependencies: [
                "ConvoCLI", "ConvoKit", "ConvoStore", "ResponsesAPI", "ResponsesEmulator", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "ResponsesAPITests",
            dependencies: [
                "ResponsesAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ResponsesEmulatorTests",
            dependencies: [
                "ResponsesEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "EndToEndTests", dependencies: []),
    ],
    swiftLanguageModes: [.v6]
)
