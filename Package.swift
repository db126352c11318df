// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Ringplan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ringplan", targets: ["ringplan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        // Agent state: SQLite for one instance, PostgreSQL shared by replicas.
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libyaml from the system (Debian: libyaml-dev), read event by event by our own loader.
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // The Exotel wire contract and its limits. Foundation only.
        .target(name: "ConnectProtocol"),
        // `__builtin_prefetch`, which Swift does not offer: the decision table starts the
        // cache miss of a number probe while it reads the rest of the request.
        .target(name: "CPrefetch"),
        // The checked, position-free rule-set IR and everything that evaluates it.
        .target(name: "Routing", dependencies: ["ConnectProtocol", "CPrefetch"]),
        // Source files, YAML, the checker and diagnostics.
        .target(name: "RuleCompiler", dependencies: ["CYaml", "Routing", "ConnectProtocol"]),
        // The HTTP adapter Exotel calls: rule store, reloads, hunt ledger, metrics, logs.
        .target(
            name: "RingplanServer",
            dependencies: [
                "RuleCompiler", "Routing", "ConnectProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ]
        ),
        // Agent state shared by replicas through PostgreSQL: a module of its own, so that
        // only the executable (not the fuzz targets) builds postgres-nio and its TLS.
        .target(
            name: "RingplanPostgres",
            dependencies: [
                "RingplanServer", "Routing", "ConnectProtocol",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `ringplan bench`: synthetic rule sets, request mixes and timings.
        // With the server's agent state, measured as decisions read it.
        .target(name: "Benchmarks", dependencies: ["RuleCompiler", "Routing", "ConnectProtocol", "RingplanServer"]),
        // `ringplan lsp`: the checker in editors, over the Language Server Protocol.
        .target(name: "LanguageServer", dependencies: ["RuleCompiler"]),
        .executableTarget(
            name: "ringplan",
            dependencies: [
                "RuleCompiler", "Routing", "ConnectProtocol", "Benchmarks", "RingplanServer", "RingplanPostgres", "LanguageServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ConnectProtocolTests", dependencies: ["ConnectProtocol"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "ConnectProtocol", "RuleCompiler"]),
        .testTarget(
            name: "RuleCompilerTests",
            dependencies: ["RuleCompiler", "Routing", "ConnectProtocol"],
            exclude: ["Corpus", "Golden", "Answers", "Diff"]
        ),
        .testTarget(
            name: "RingplanServerTests",
            dependencies: [
                "RingplanServer", "Routing", "RuleCompiler", "ConnectProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Replay", "Browser"]
        ),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "RuleCompiler"]),
        // Runs the built `ringplan` binary, as users do.
        .testTarget(name: "RingplanCLITests", exclude: ["Editors"]),
    ]
)

// Fuzz targets (issue "Hardening"), kept out of the normal build: they exist only with
// RINGPLAN_FUZZ=1, built by scripts/fuzz.sh in a build folder of their own, instrumented
// for libFuzzer (coverage and AddressSanitizer) and linked with its driver without `main`:
// each target's own `main` hands libFuzzer the function to fuzz.
if Context.environment["RINGPLAN_FUZZ"] == "1" {
    package.targets += [
        .target(name: "FuzzSupport", dependencies: ["RuleCompiler", "Routing", "ConnectProtocol", "Benchmarks"], path: "Fuzz/Support"),
        .executableTarget(name: "FuzzRequests", dependencies: ["FuzzSupport", "ConnectProtocol"], path: "Fuzz/Requests"),
        .executableTarget(name: "FuzzRules", dependencies: ["FuzzSupport"], path: "Fuzz/Rules"),
        .executableTarget(
            name: "FuzzConnection",
            dependencies: [
                "FuzzSupport", "RingplanServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz/Connection"
        ),
    ]
}
