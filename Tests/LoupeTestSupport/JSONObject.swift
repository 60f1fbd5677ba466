import Foundation
import XCTest

/// Parses `data` as a JSON object, failing the calling test (at `file`, `line`) when it is
/// not valid JSON or not an object: what the CLI's `--json` output and the HTTP service's
/// responses are checked against.
public func jsonObject(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: data)
    return try XCTUnwrap(value as? [String: Any], "not a JSON object: \(String(decoding: data, as: UTF8.self))",
                         file: file, line: line)
}
