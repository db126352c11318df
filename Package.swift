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
        // The checked, position-free rule-set IR and everything that evaluates it.
        .target(name: "Routing", dependencies: ["ConnectProtocol"]),
        // Source files, YAML, the checker and diagnostics.
        .target(name: "RuleCompiler", dependencies: ["CYaml", "Routing", "ConnectProtocol"]),
        // `ringplan bench`: synthetic rule sets, request mixes and timings.
        .target(name: "Benchmarks", dependencies: ["RuleCompiler", "Routing", "ConnectProtocol"]),
        .executableTarget(
            name: "ringplan",
            dependencies: [
                "RuleCompiler", "Routing", "ConnectProtocol", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ConnectProtocolTests", dependencies: ["ConnectProtocol"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "ConnectProtocol", "RuleCompiler"]),
        .testTarget(
            name: "RuleCompilerTests",
            dependencies: ["RuleCompiler", "Routing", "ConnectProtocol"],
            exclude: ["Corpus", "Golden"]
        ),
        // Runs the built `ringplan` binary, as users do.
        .testTarget(name: "RingplanCLITests"),
    ]
)
