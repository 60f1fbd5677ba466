import Foundation
import XCTest
import Loupe

/// `OrderedJSONEncoder` keeps keys in encoding order and writes numbers, nulls and nesting as
/// JSON parsers expect.
final class OrderedJSONEncoderTests: XCTestCase {
    private struct Sample: Encodable {
        struct Inner: Encodable {
            var zeta = 1
            var alpha: [Int] = [6, 9]
        }

        var score = 2.0
        var id = "a\"1"
        var small: Int8 = -3
        var big: UInt64 = 18_446_744_073_709_551_615
        var ratio: Float = 0.5
        var missing: String? = nil
        var nan = Double.nan
        var inner = Inner()
        var empty: [String] = []
    }

    func testCompactKeepsEncodingOrder() throws {
        let text = try OrderedJSONEncoder().encode(Sample())
        XCTAssertEqual(text, #"{"score":2.0,"id":"a\"1","small":-3,"big":18446744073709551615,"ratio":0.5,"nan":null,"inner":{"zeta":1,"alpha":[6,9]},"empty":[]}"#)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    func testPrettyIndentsObjectsAndKeepsScalarArraysOnOneLine() throws {
        let text = try OrderedJSONEncoder(formatting: .pretty).encode(["rows": [[1, 2], [3]]])
        XCTAssertEqual(text, "{\n  \"rows\": [\n    [1, 2],\n    [3]\n  ]\n}")
    }
}
