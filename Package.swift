// swift-tools-version:6.0
import PackageDescription

// Hot loops (CSV callbacks, per-employee evaluation) run on state owned by one
// thread; the release build skips the dynamic exclusivity checks there.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let pangoHeaders = [
    "/usr/include/pango-1.0", "/usr/include/glib-2.0", "/usr/lib/x86_64-linux-gnu/glib-2.0/include",
    "/usr/lib/aarch64-linux-gnu/glib-2.0/include", "/usr/include/harfbuzz", "/usr/include/freetype2",
    "/usr/include/cairo", "/usr/include/pixman-1", "/usr/include/libpng16", "/usr/include/fribidi",
]

/// The PDF target needs the C header folders; it imports the C modules with `internal import`, so no other target does.
let pdfHeaders: [SwiftSetting] = [.unsafeFlags(pangoHeaders.flatMap { ["-Xcc", "-I" + $0] })]

/// Test builds import modules `@testable`, which makes the C modules behind PDF's `internal import` visible
/// to them; they get the header folders too (no source target but PDF does).
let testSettings = pdfHeaders

let package = Package(
    name: "payroll-engine",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "payroll", targets: ["payroll"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries: a module map and a shim header each, nothing else.
        .systemLibrary(
            name: "CLibCSV", path: "Sources/CLibCSV",
            providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(
            name: "CXlsxWriter", path: "Sources/CXlsxWriter",
            providers: [.apt(["libxlsxwriter-dev"])]),
        // Intel's ISA-L deflate: the large sheets' pieces, about five times as fast as zlib's fastest level.
        .systemLibrary(
            name: "CISAL", path: "Sources/CISAL",
            providers: [.apt(["libisal-dev"])]),
        // pangocairo's pkg-config flags carry -pthread, which SwiftPM refuses;
        // the header folders are given to the PDF target instead (Debian layout).
        .systemLibrary(
            name: "CPangoCairo", path: "Sources/CPangoCairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        .systemLibrary(
            name: "CQPDF", path: "Sources/CQPDF",
            providers: [.apt(["libqpdf-dev"])]),
        // harfbuzz (glyphs, advances, font subsets), fontconfig (a family's file) and zlib: payslips written without cairo.
        .systemLibrary(
            name: "CHarfBuzz", path: "Sources/CHarfBuzz",
            providers: [.apt(["libharfbuzz-dev", "libfontconfig-dev", "zlib1g-dev"])]),

        // glibc's malloc.h (malloc_trim), for the period run's stage boundaries.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // Values only; depends on nothing.
        .target(name: "PayrollCore", swiftSettings: fast),
        // The only importer of CLibCSV.
        .target(
            name: "CSVReader", dependencies: ["CLibCSV", "PayrollCore", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: fast),
        // The only importer of cairo, pango, harfbuzz and qpdf: payslip PDFs and their encryption.
        .target(
            name: "PDF", dependencies: ["CPangoCairo", "CHarfBuzz", "CQPDF", "PayrollCore"], swiftSettings: pdfHeaders),
        // The only importer of CXlsxWriter.
        .target(name: "XLSX", dependencies: ["CXlsxWriter", "CISAL", "PayrollCore"]),
        // Rule packs: dated parameters read from YAML.
        .target(
            name: "PayrollRules",
            dependencies: [
                "PayrollCore", .product(name: "Yams", package: "Yams"),
            ], swiftSettings: fast),
        // Pure performance rollups: KPI, MBO, 360, BSC, grades, ranks.
        .target(name: "Performance", dependencies: ["PayrollCore"], swiftSettings: fast),
        // What a run leaves on disk and the audit reads back: manifest.json, the run folder, the root lock,
        // the closed archives' layout. Below both the write stage and Audit.
        .target(
            name: "RunRecords",
            dependencies: ["PayrollCore", .product(name: "Crypto", package: "swift-crypto")]),
        // The stages in the order data moves: Load → Validate → Rollup → Pay (folders of one module).
        .target(
            name: "Stages",
            dependencies: ["PayrollCore", "PayrollRules", "Performance", "CSVReader", "RunRecords"], swiftSettings: fast),
        // The write stage: every file a run writes, from the results it is handed; output settings.
        .target(
            name: "Outputs",
            dependencies: [
                "PayrollCore", "PayrollRules", "Performance", "Stages", "RunRecords", "XLSX", "PDF", "CSVReader",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // close, reopen, verify, explain, diff. Re-running a period is handed in (`PeriodReplay`).
        .target(
            name: "Audit",
            dependencies: [
                "PayrollCore", "PayrollRules", "Stages", "RunRecords", "CSVReader",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The pipeline file and the period run above the stages; the executor (the only Dispatch user).
        .target(
            name: "Pipeline",
            dependencies: ["PayrollCore", "PayrollRules", "Performance", "Stages", "Outputs", "RunRecords", "Audit", "CMalloc"]),
        // Reading legacy Excel workbooks (zip + XML) for import and reconciliation: no document writers.
        .target(
            name: "ExcelImport",
            dependencies: [
                "PayrollCore", "PayrollRules", "Stages", "Audit", "RunRecords", "CSVReader", "XLSX",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .executableTarget(
            name: "payroll",
            dependencies: [
                "PayrollCore", "PayrollRules", "Performance", "Stages", "RunRecords", "Outputs", "Audit", "Pipeline",
                "CSVReader", "ExcelImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // Shared by the test targets: fixture builders, the independent .xlsx reader, the binary runner.
        .target(
            name: "TestSupport",
            dependencies: ["PayrollCore", "PayrollRules", "Stages", "RunRecords", "Outputs", "Audit", "Pipeline", "CSVReader"],
            path: "Tests/TestSupport", swiftSettings: testSettings),
        // One test target per module.
        .testTarget(name: "PayrollCoreTests", dependencies: ["PayrollCore"], swiftSettings: testSettings),
        .testTarget(name: "CSVReaderTests", dependencies: ["CSVReader"], swiftSettings: testSettings),
        .testTarget(name: "PayrollRulesTests", dependencies: ["PayrollCore", "PayrollRules", "TestSupport"], swiftSettings: testSettings),
        .testTarget(name: "PerformanceTests", dependencies: ["PayrollCore", "Performance", "TestSupport"], swiftSettings: testSettings),
        .testTarget(name: "RunRecordsTests", dependencies: ["PayrollCore", "RunRecords", "TestSupport"], swiftSettings: testSettings),
        .testTarget(
            name: "StagesTests", dependencies: ["PayrollCore", "PayrollRules", "Stages", "Pipeline", "TestSupport"], swiftSettings: testSettings),
        .testTarget(
            name: "OutputsTests",
            dependencies: [
                "PayrollCore", "PayrollRules", "Stages", "RunRecords", "Outputs", "Pipeline", "XLSX", "PDF", "CSVReader", "TestSupport",
            ],
            swiftSettings: testSettings),
        .testTarget(
            name: "AuditTests",
            dependencies: [
                "PayrollCore", "PayrollRules", "Stages", "RunRecords", "Outputs", "Audit", "Pipeline", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: testSettings),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["PayrollCore", "PayrollRules", "Stages", "RunRecords", "Outputs", "Pipeline", "CSVReader", "TestSupport"],
            swiftSettings: testSettings),
        .testTarget(
            name: "ExcelImportTests",
            dependencies: ["PayrollCore", "RunRecords", "Stages", "Audit", "Pipeline", "ExcelImport", "TestSupport"], swiftSettings: testSettings),
        // Runs the built `payroll` binary: exit codes, kills, concurrent runs.
        .testTarget(
            name: "CommandLineTests", dependencies: ["PayrollCore", "RunRecords", "Audit", "TestSupport"], swiftSettings: testSettings),
    ],
    swiftLanguageModes: [.v6]
)
