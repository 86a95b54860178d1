import CSVReader
let r = CSVFileReader(path: CommandLine.arguments[1])
let s = try r.read { rec in print(rec.line, rec.index, (0..<rec.count).map { rec.string($0) }) }
print(s)
