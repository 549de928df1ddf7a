// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "jingzhi",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "jingzhi", targets: ["jingzhi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.110.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.19.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "jingzhi",
            dependencies: [
                .target(name: "JingzhiApp"),
                .target(name: "JingzhiCore"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The kernel: money, calendar, geometry, markup, scope, audit, HTTP plumbing. It imports no feature.
        .target(
            name: "JingzhiCore",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "JingzhiApp",
            dependencies: [
                .target(name: "JingzhiCore"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ]
        ),
        .testTarget(
            name: "JingzhiAppTests",
            dependencies: [
                .target(name: "JingzhiApp"),
                .target(name: "JingzhiCore"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
