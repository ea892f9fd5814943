// swift-tools-version:6.0
import PackageDescription

// Release builds of our own targets skip Swift's dynamic exclusivity checks: measured with
// callgrind, they cost ~1,500 instructions per keep-alive request (class-property accesses
// on the hot path). Debug builds and the test suite keep them.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "understudy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "understudy", targets: ["understudy"]),
        .executable(name: "FuzzHTTPParser", targets: ["FuzzHTTPParser"]),
        .executable(name: "FuzzConnection", targets: ["FuzzConnection"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // C shims: epoll/accept4/eventfd (Glibc's Swift module does not export them).
        .target(name: "CUnderstudyShims"),
        .systemLibrary(name: "CSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(
            name: "UnderstudyNet",
            dependencies: [
                "CUnderstudyShims", "CSSL",
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: hotPathSettings
        ),
        .target(name: "UnderstudyHTTP", swiftSettings: hotPathSettings),
        .target(
            name: "UnderstudyCore",
            dependencies: [
                "UnderstudyNet", "UnderstudyHTTP", "CUnderstudyShims", "CSSL", "CZlib",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: hotPathSettings
        ),
        .executableTarget(
            name: "understudy",
            dependencies: [
                "UnderstudyCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "FuzzHTTPParser", dependencies: ["UnderstudyHTTP"]),
        .executableTarget(name: "FuzzConnection", dependencies: ["UnderstudyCore", "UnderstudyNet"]),

        .target(name: "CTestShims", path: "Tests/CTestShims"),
        .target(name: "TestSupport", dependencies: ["UnderstudyCore", "UnderstudyNet", "CTestShims"], path: "Tests/TestSupport"),
        .testTarget(name: "UnderstudyHTTPTests", dependencies: ["UnderstudyHTTP"]),
        .testTarget(name: "UnderstudyNetTests", dependencies: ["UnderstudyNet", "TestSupport"]),
        .testTarget(
            name: "UnderstudyCoreTests",
            dependencies: [
                "UnderstudyCore", "UnderstudyNet", "UnderstudyHTTP", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Deploy/schema: the Compose schema DeployExampleTests reads by path, not a resource
            exclude: ["Deploy/schema"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
