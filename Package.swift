// swift-tools-version:6.1
import PackageDescription

// System libraries come from Debian's -dev packages through pkg-config; `.ci/run` installs them.
let package = Package(
    name: "barrelman",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "barrelman", targets: ["App"]),
        .library(name: "KubeAPI", targets: ["KubeAPI"]),
        .library(name: "Providers", targets: ["Providers"]),
        .library(name: "TestAPIServer", targets: ["TestAPIServer"]),
        .library(name: "Controllers", targets: ["Controllers"]),
        .executable(name: "test-apiserver", targets: ["TestAPIServerCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Exec credential plugins; without its Foundation trait it needs FoundationEssentials only.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        // curl_easy_setopt/getinfo/curl_multi_setopt are variadic: Swift needs typed wrappers.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),

        // MARK: barrelman
        .target(
            name: "KubeAPI",
            dependencies: [
                "CCurl", "CCurlShim", "CJansson", "CYAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        .target(
            name: "Providers",
            dependencies: ["KubeAPI", "COpenSSL", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Controllers",
            dependencies: [
                "KubeAPI", "Providers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        // Go `flag`-style command-line pieces of the executable, as a library so tests can import them.
        .target(name: "AppSupport"),
        .executableTarget(
            name: "App",
            dependencies: [
                "AppSupport", "KubeAPI", "Providers", "Controllers", "TestAPIServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),

        // MARK: a kube-apiserver for tests and the demo; shares no code with the client on purpose
        .target(
            name: "TestAPIServer",
            dependencies: [
                "COpenSSL", "CJansson",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // A long-lived test API server for rehearsing real-cluster end-to-end runs (scripts/e2e-rehearsal).
        .executableTarget(name: "TestAPIServerCommand", dependencies: ["AppSupport", "TestAPIServer", "KubeAPI"]),

        // MARK: tests
        .target(
            name: "TestSupport",
            dependencies: ["KubeAPI", "TestAPIServer", "COpenSSL", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Support"),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI", "TestAPIServer", "TestSupport"]),
        .testTarget(
            name: "TestAPIServerTests",
            dependencies: [
                "TestAPIServer", "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ProvidersTests", dependencies: ["Providers", "Controllers", "KubeAPI", "TestAPIServer", "TestSupport"]),
        .testTarget(name: "ControllersTests", dependencies: ["Controllers", "KubeAPI", "TestAPIServer", "TestSupport"]),
        // Runs the built `barrelman` binary as a subprocess (`swift build --build-tests` builds it) and checks deploy/.
        .testTarget(
            name: "AppTests",
            dependencies: ["AppSupport", "KubeAPI", "TestAPIServer", "TestSupport"]),
    ]
)
