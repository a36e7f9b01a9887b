// swift-tools-version:6.1
import PackageDescription

// A package of its own so the main build and CI never compile the benchmark framework.
let package = Package(
    name: "barrelman-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "barrelman", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Realistic cluster objects shared by the scenario runner and the micro benchmarks.
        .target(
            name: "BenchmarkFixtures",
            dependencies: [.product(name: "KubeAPI", package: "barrelman")]),
        // glibc calls the Glibc module does not export (malloc statistics, prctl).
        .target(name: "CLinuxSupport"),
        .executableTarget(
            name: "scenario-runner",
            dependencies: [
                "BenchmarkFixtures", "CLinuxSupport",
                .product(name: "KubeAPI", package: "barrelman"),
                .product(name: "TestAPIServer", package: "barrelman"),
                .product(name: "Controllers", package: "barrelman"),
            ],
            path: "Sources/ScenarioRunner"),
        .executableTarget(
            name: "Decoding",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "KubeAPI", package: "barrelman"),
                .product(name: "Controllers", package: "barrelman"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Decoding",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
