// swift-tools-version:6.2
import PackageDescription

// Migrations live in sql/migrations/ and are compiled in (`.embedInCode` of the folder, read when
// building, so a new file needs no change here), each also named in sql/MigrationFiles.swift.

// Every target shares these settings: explicit existentials and strict member imports.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "kalan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kalan", targets: ["kalan"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Reading .xlsx imports: the zip container and the sheet's XML.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // Notices: STARTTLS for SMTP, and the SMS gateway's HTTP interface.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // The proleptic Gregorian calendar, once, for Day, CalendarDate and RFC3339.
        .target(name: "CivilCalendar", swiftSettings: settings),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", "CivilCalendar",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "EmbeddedPostgres",
            dependencies: [
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "KalanCore",
            dependencies: ["CivilCalendar", .product(name: "Crypto", package: "swift-crypto")],
            // The message catalogue (fr.json, en.json) is compiled in.
            resources: [.embedInCode("Messages/Catalogue")],
            swiftSettings: settings
        ),
        // File formats: ZIP archives (ZIPFoundation), XLSX workbooks written and read (KalanCore's WorkbookReader).
        .target(
            name: "KalanFiles", dependencies: ["KalanCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")], swiftSettings: settings
        ),
        .target(name: "KalanMigrations", path: "sql", resources: [.embedInCode("migrations")], swiftSettings: settings),
        .target(
            name: "KalanStore",
            dependencies: [
                "KalanCore", "KalanMigrations", "Postgres",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        // Password hashing (bcrypt on a NIO thread pool), for the server and the command line alike.
        .target(
            name: "KalanPasswords",
            dependencies: [
                "KalanCore", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        // Printed documents (cairo PDF, libqrencode QR codes): the drawing helpers, the sign-in sheet, letters.
        .target(name: "KalanPrint", dependencies: ["KalanCore", "CivilCalendar", "CCairo", "CQRencode"], swiftSettings: settings),
        .target(
            name: "KalanCertificates",
            dependencies: [
                "KalanCore", "KalanPrint", "CivilCalendar", "CCairo", "CQRencode", .product(name: "Crypto", package: "swift-crypto"),
                // The status list's GZIP.
                .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            // The pinned JSON-LD contexts of eddsa-rdfc-2022 (never fetched), compiled in.
            resources: [.embedInCode("LinkedData/Contexts")],
            swiftSettings: settings
        ),
        .target(
            name: "KalanServer",
            dependencies: [
                "KalanCore", "KalanStore", "KalanCertificates", "KalanPrint", "KalanPasswords", "KalanConfiguration", "KalanFiles", "Postgres",
                "KalanNotices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            // openapi.yaml: compiled in for /openapi.yaml and /openapi.json, and read by the generator.
            // Templates/: the page templates and the stylesheet, compiled in.
            resources: [.embedInCode("openapi.yaml"), .embedInCode("Templates")],
            swiftSettings: settings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // Notices: their words, e-mail (a small SMTP client on SwiftNIO), SMS (Kannel's sendsms), calendar invitations, the sender.
        .target(
            name: "KalanNotices",
            dependencies: [
                "KalanCore", "KalanPrint",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings
        ),
        // The settings (KALAN_* and their types), read and checked once at start, and the address
        // ranges of trusted proxies: for the commands and the server alike.
        .target(
            name: "KalanConfiguration",
            dependencies: [
                "KalanCore", .product(name: "Configuration", package: "swift-configuration"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        // Every command but `serve`: no HTTP server (neither KalanServer nor Hummingbird).
        .target(
            name: "KalanCommands",
            dependencies: [
                "KalanCore", "KalanStore", "KalanCertificates", "KalanPrint", "KalanPasswords", "KalanConfiguration", "KalanFiles", "Postgres",
                "EmbeddedPostgres", "KalanNotices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        // The composition root: the command list and `serve`, which starts the HTTP server.
        .executableTarget(
            name: "kalan",
            dependencies: [
                "KalanCommands", "KalanConfiguration", "KalanCore", "KalanStore", "KalanServer", "KalanCertificates", "Postgres", "KalanNotices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: settings
        ),
        // Benchmarks (make bench): certificates signed and rendered in a batch.
        .executableTarget(name: "kalan-bench", dependencies: ["KalanCertificates", "KalanCore", "Postgres"], swiftSettings: settings),
        // Test support: a throwaway PostgreSQL server per test run, a fresh database per test.
        .target(
            name: "KalanTestSupport",
            dependencies: [
                "Postgres", "EmbeddedPostgres", "KalanStore", .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/KalanTestSupport",
            swiftSettings: settings
        ),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "KalanTestSupport"], swiftSettings: settings),
        .testTarget(name: "EmbeddedPostgresTests", dependencies: ["EmbeddedPostgres", "Postgres", "KalanTestSupport"], swiftSettings: settings),
        .testTarget(
            name: "KalanFilesTests", dependencies: ["KalanFiles", "KalanCore", "KalanTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: settings
        ),
        .testTarget(name: "KalanCoreTests", dependencies: ["KalanCore", "KalanFiles"], swiftSettings: settings),
        .testTarget(name: "KalanNoticesTests", dependencies: ["KalanNotices", "KalanCore"], swiftSettings: settings),
        .testTarget(
            name: "KalanStoreTests",
            dependencies: ["KalanStore", "KalanMigrations", "KalanCore", "KalanCertificates", "KalanFiles", "Postgres", "EmbeddedPostgres", "KalanTestSupport"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "KalanCertificatesTests",
            dependencies: [
                "KalanCertificates", "KalanCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: settings
        ),
        .testTarget(
            name: "KalanPrintTests",
            dependencies: [
                "KalanPrint", "KalanCore", .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: settings
        ),
        .testTarget(
            name: "KalanServerTests",
            dependencies: [
                "KalanServer", "KalanStore", "KalanCore", "KalanCertificates", "KalanPasswords", "KalanConfiguration", "KalanFiles", "Postgres",
                "KalanTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
    ]
)
