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

/// Every target that imports PDF (directly or through Outputs) needs the C header folders to load its module.
let pdfHeaders: [SwiftSetting] = [.unsafeFlags(pangoHeaders.flatMap { ["-Xcc", "-I" + $0] })]

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
        // pangocairo's pkg-config flags carry -pthread, which SwiftPM refuses;
        // the header folders are given to the PDF target instead (Debian layout).
        .systemLibrary(
            name: "CPangoCairo", path: "Sources/CPangoCairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        .systemLibrary(
            name: "CQPDF", path: "Sources/CQPDF",
            providers: [.apt(["libqpdf-dev"])]),

        // Values only; depends on nothing.
        .target(name: "PayrollCore", swiftSettings: fast),
        // The only importer of CLibCSV.
        .target(name: "CSVReader", dependencies: ["CLibCSV"], swiftSettings: fast),
        // The only importer of cairo, pango and qpdf: payslip PDFs and their encryption.
        .target(
            name: "PDF", dependencies: ["CPangoCairo", "CQPDF", "PayrollCore"],
            swiftSettings: pdfHeaders),
        // The only importer of CXlsxWriter.
        .target(name: "XLSX", dependencies: ["CXlsxWriter", "PayrollCore"]),
        // Rule packs: dated parameters read from YAML.
        .target(
            name: "PayrollRules",
            dependencies: [
                "PayrollCore", .product(name: "Yams", package: "Yams"),
            ], swiftSettings: fast),
        // Pure performance rollups: KPI, MBO, 360, BSC, grades, ranks.
        .target(name: "Performance", dependencies: ["PayrollCore"], swiftSettings: fast),
        // Pipeline definition, intake, staged validation, executor (the only Dispatch user).
        .target(
            name: "Pipeline",
            dependencies: [
                "PayrollCore", "PayrollRules", "Performance", "CSVReader",
                .product(name: "Yams", package: "Yams"),
            ], swiftSettings: fast),
        // Reading legacy Excel workbooks (zip + XML) for import and reconciliation.
        .target(
            name: "ExcelImport",
            dependencies: [
                "PayrollCore", "PayrollRules", "Pipeline", "CSVReader", "XLSX", "Outputs",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ], swiftSettings: pdfHeaders),
        // Files written by a run: reports, manifest, atomic run folder.
        .target(
            name: "Outputs",
            dependencies: [
                "PayrollCore", "PayrollRules", "Performance", "Pipeline", "XLSX", "PDF", "CSVReader",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: pdfHeaders),
        .executableTarget(
            name: "payroll",
            dependencies: [
                "PayrollCore", "PayrollRules", "Performance", "Pipeline", "Outputs", "CSVReader", "ExcelImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: pdfHeaders),

        .testTarget(name: "PayrollCoreTests", dependencies: ["PayrollCore"]),
        .testTarget(name: "CSVReaderTests", dependencies: ["CSVReader"]),
        .testTarget(name: "PayrollRulesTests", dependencies: ["PayrollCore", "PayrollRules", "Performance"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "PayrollCore", "PayrollRules", "Performance", "Pipeline", "Outputs", "XLSX", "CSVReader", "ExcelImport",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: pdfHeaders),
    ],
    swiftLanguageModes: [.v6]
)
