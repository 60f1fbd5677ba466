import Foundation

/// Streams the elements of a top-level JSON array (`[{...}, {...}]`) one at a time, without
/// loading the whole file: it tracks nesting and strings to find where each element ends, and
/// hands the element's bytes to a real JSON parser. A file holding a single object is read as
/// a one-element array.
final class JSONArrayReader {
    struct Element {
        var bytes: [UInt8]
        /// Line on which the element starts (1-based).
        var line: Int
    }

    enum Failure: Error {
        /// The array's structure is broken (not a JSON array, unterminated, trailing data).
        case structure(line: Int, reason: String)
        case tooLong(line: Int, bytes: Int)
    }

    private let source: ByteSource
    private let maxElementBytes: Int
    private var chunk = [UInt8](repeating: 0, count: 1 << 18)
    private var pos = 0, count = 0
    private var line = 1
    private var state: State = .start

    private enum State { case start, inArray, afterElement, singleObject, done }

    init(source: ByteSource, maxElementBytes: Int) {
        self.source = source
        self.maxElementBytes = maxElementBytes
    }

    private func nextByte() throws -> UInt8? {
        if pos == count {
            count = try chunk.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, count: $0.count) }
            pos = 0
            if count == 0 { return nil }
        }
        let b = chunk[pos]
        pos += 1
        if b == 0x0A { line += 1 }
        return b
    }

    private func unread() {
        pos -= 1
        if chunk[pos] == 0x0A { line -= 1 }
    }

    private func skipSpace() throws -> UInt8? {
        while let b = try nextByte() {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case 0xEF where state == .start, 0xBB where state == .start, 0xBF where state == .start: continue // byte-order mark
            default: return b
            }
        }
        return nil
    }

    func next() throws -> Element? {
        switch state {
        case .done: return nil
        case .start:
            guard let b = try skipSpace() else { state = .done; return nil }
            if b == UInt8(ascii: "{") {
                unread()
                state = .singleObject
                let e = try readElement()
                if let extra = try skipSpace() {
                    throw Failure.structure(line: line, reason: "unexpected '\(Character(Unicode.Scalar(extra)))' after the JSON object")
                }
                state = .done
                return e
            }
            guard b == UInt8(ascii: "[") else {
                throw Failure.structure(line: line, reason: "expected a JSON array of objects ('[') or an object")
            }
            state = .inArray
            guard let c = try skipSpace() else { throw Failure.structure(line: line, reason: "the array is not closed") }
            if c == UInt8(ascii: "]") { return try finish() }
            unread()
            return try readElement()
        case .inArray, .afterElement:
            guard let b = try skipSpace() else { throw Failure.structure(line: line, reason: "the array is not closed (missing ']')") }
            if b == UInt8(ascii: "]") { return try finish() }
            guard b == UInt8(ascii: ",") else {
                throw Failure.structure(line: line, reason: "expected ',' or ']' between array elements")
            }
            guard let c = try skipSpace() else { throw Failure.structure(line: line, reason: "the array is not closed (missing ']')") }
            unread()
            if c == UInt8(ascii: "]") { throw Failure.structure(line: line, reason: "a trailing comma before ']'") }
            if c == UInt8(ascii: ",") { throw Failure.structure(line: line, reason: "an empty array element") }
            return try readElement()
        case .singleObject:
            return nil
        }
    }

    private func finish() throws -> Element? {
        if let extra = try skipSpace() {
            throw Failure.structure(line: line, reason: "unexpected '\(Character(Unicode.Scalar(extra)))' after the closing ']'")
        }
        state = .done
        return nil
    }

    /// Reads one value: a balanced object/array, a string or a scalar.
    private func readElement() throws -> Element {
        let startLine = line
        var bytes: [UInt8] = []
        var depth = 0
        var inString = false, escaped = false
        var tooLong = false
        var length = 0
        func append(_ b: UInt8) {
            length += 1
            if length > maxElementBytes { tooLong = true; bytes = [] }
            if !tooLong { bytes.append(b) }
        }
        while let b = try nextByte() {
            if inString {
                append(b)
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { break }
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true; append(b)
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; append(b)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { unread(); return try done(bytes, startLine, tooLong, length) }
                depth -= 1; append(b)
                if depth == 0 { return try done(bytes, startLine, tooLong, length) }
            case UInt8(ascii: ","):
                if depth == 0 { unread(); return try done(bytes, startLine, tooLong, length) }
                append(b)
            default: append(b)
            }
        }
        if depth > 0 || inString { throw Failure.structure(line: line, reason: "the file ends inside a JSON value that starts on line \(startLine)") }
        return try done(bytes, startLine, tooLong, length)
    }

    private func done(_ bytes: [UInt8], _ line: Int, _ tooLong: Bool, _ length: Int) throws -> Element {
        if tooLong { throw Failure.tooLong(line: line, bytes: length) }
        return Element(bytes: bytes, line: line)
    }
}
