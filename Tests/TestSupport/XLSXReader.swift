import Foundation
import XCTest

/// An independent .xlsx reader (Python's zipfile + ElementTree, no third-party
/// code): returns every sheet's name and rows of cell values as text, and for
/// each cell whether it is a number, a string or a formula.
public struct XLSXContent {
    /// One cell: its text and its kind (n number, s string, f formula).
    public struct Cell: Equatable {
        /// The cell's text.
        public var value: String
        /// n, s or f.
        public var kind: String
        /// Creates it.
        public init(value: String, kind: String) {
            self.value = value
            self.kind = kind
        }
    }  // kind: n, s, f
    /// Every sheet: name, rows, number of charts.
    public var sheets: [(name: String, rows: [[Cell]], charts: Int)]

    /// The rows of the sheet with this name.
    public func sheet(_ name: String) -> [[Cell]]? { sheets.first { $0.name == name }?.rows }

    /// Reads every sheet of a workbook.
    public static func read(_ path: String) throws -> XLSXContent {
        let script = #"""
            import sys, json, zipfile, re, xml.etree.ElementTree as ET
            M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
            R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
            z = zipfile.ZipFile(sys.argv[1])
            shared = []
            if 'xl/sharedStrings.xml' in z.namelist():
                for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall(M + 'si'):
                    shared.append(''.join(t.text or '' for t in si.iter(M + 't')))
            rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
            out = []
            for s in ET.fromstring(z.read('xl/workbook.xml')).find(M + 'sheets'):
                target = 'xl/' + rels[s.get(R + 'id')].lstrip('/').replace('xl/', '')
                root = ET.fromstring(z.read(target))
                rows = []
                for row in root.find(M + 'sheetData').findall(M + 'row'):
                    r = int(row.get('r')) - 1
                    while len(rows) < r: rows.append([])
                    cells = []
                    for c in row.findall(M + 'c'):
                        col = 0
                        for ch in re.match(r'[A-Z]+', c.get('r')).group(0): col = col * 26 + ord(ch) - 64
                        while len(cells) < col - 1: cells.append({'value': '', 'kind': ''})
                        v = c.find(M + 'v'); f = c.find(M + 'f'); t = c.get('t')
                        if f is not None: cells.append({'value': f.text or '', 'kind': 'f'})
                        elif t == 's': cells.append({'value': shared[int(v.text)], 'kind': 's'})
                        elif t == 'inlineStr': cells.append({'value': ''.join(x.text or '' for x in c.iter(M + 't')), 'kind': 's'})
                        elif v is not None: cells.append({'value': v.text, 'kind': 'n'})
                        else: cells.append({'value': '', 'kind': ''})
                    rows.append(cells)
                charts = 0
                relpath = target.replace('worksheets/', 'worksheets/_rels/') + '.rels'
                if relpath in z.namelist():
                    for d in ET.fromstring(z.read(relpath)):
                        if d.get('Type', '').endswith('/drawing'):
                            dpath = 'xl/drawings/' + d.get('Target').split('/')[-1]
                            drels = dpath.replace('drawings/', 'drawings/_rels/') + '.rels'
                            if drels in z.namelist():
                                charts += sum(1 for x in ET.fromstring(z.read(drels)) if x.get('Type', '').endswith('/chart'))
                out.append({'name': s.get('name'), 'rows': rows, 'charts': charts})
            print(json.dumps(out, ensure_ascii=False))
            """#
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw NSError(domain: "xlsx", code: Int(p.terminationStatus)) }
        let json = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return XLSXContent(
            sheets: json.map { s in
                let rows = (s["rows"] as! [[[String: String]]]).map { $0.map { Cell(value: $0["value"]!, kind: $0["kind"]!) } }
                return (s["name"] as! String, rows, s["charts"] as! Int)
            })
    }
}

/// Runs a command-line tool and returns its standard output and exit status.
public func shell(_ args: [String]) throws -> (String, Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    let pipe = Pipe()
    let err = Pipe()
    p.standardOutput = pipe
    p.standardError = err
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    _ = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), p.terminationStatus)
}
