// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets, a package of their own so the main build is never instrumented. `run.sh` builds them
// with `--sanitize fuzzer --sanitize address`; each target defines only `LLVMFuzzerTestOneInput` and
// libFuzzer supplies `main`, which is why the sources are parsed as a library.
let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "barrelman-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "barrelman", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "fuzz-models",
            dependencies: [.product(name: "KubeAPI", package: "barrelman")],
            path: "Sources/FuzzModels", swiftSettings: fuzzTarget),
        .executableTarget(
            name: "fuzz-watch-stream",
            dependencies: [.product(name: "KubeAPI", package: "barrelman")],
            path: "Sources/FuzzWatchStream", swiftSettings: fuzzTarget),
        .executableTarget(
            name: "fuzz-kubeconfig",
            dependencies: [.product(name: "KubeAPI", package: "barrelman")],
            path: "Sources/FuzzKubeconfig", swiftSettings: fuzzTarget),
        .executableTarget(
            name: "fuzz-service-account-key",
            dependencies: [.product(name: "Providers", package: "barrelman")],
            path: "Sources/FuzzServiceAccountKey", swiftSettings: fuzzTarget),
    ]
)
