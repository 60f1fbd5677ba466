import CLoupeICU

/// Splits runs of Thai, Lao, Khmer and Myanmar text into words with ICU's dictionary-based
/// word break iterator: these scripts put no spaces between words, so a run of their letters
/// is usually a whole phrase or sentence (`ภาษาไทยเป็นภาษาที่สวยงาม` is "Thai is a beautiful
/// language": ภาษา ไทย เป็น ภาษา ที่ สวยงาม).
///
/// Owned by one `Analyzer` (ICU iterators are not thread-safe) and created on the first such
/// run, so text in other scripts never touches ICU. The UTF-16 copy ICU needs and the map back
/// to UTF-8 offsets are buffers reused from run to run.
final class WordBreaker {
    private let iterator: OpaquePointer
    /// The run in UTF-16.
    private var utf16: [UInt16] = []
    /// For each UTF-16 index of the run (and one past its end), the UTF-8 offset in the run.
    private var utf8Offsets: [Int32] = []

    /// Nil when ICU cannot open a word break iterator (its data missing).
    init?() {
        guard let it = loupe_word_breaker_open() else { return nil }
        iterator = it
    }

    deinit { loupe_word_breaker_close(iterator) }

    /// Calls `body(start, end)` with the UTF-8 byte range, within `run`, of each word ICU finds
    /// in `run` (valid UTF-8); segments that are not words (spaces, punctuation) are skipped.
    /// Returns false when ICU fails, having called `body` for nothing.
    func forEachWord(in run: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) -> Bool {
        guard let p = run.baseAddress, run.count > 0, run.count < Int(Int32.max / 2) else { return false }
        utf16.removeAll(keepingCapacity: true)
        utf8Offsets.removeAll(keepingCapacity: true)
        var i = 0
        while i < run.count {
            let (v, len) = decodeUTF8(p, i)
            if v < 0x10000 {
                utf16.append(UInt16(v))
                utf8Offsets.append(Int32(i))
            } else {
                let w = v - 0x10000
                utf16.append(UInt16(0xD800 + (w >> 10)))
                utf16.append(UInt16(0xDC00 + (w & 0x3FF)))
                utf8Offsets.append(Int32(i))
                utf8Offsets.append(Int32(i))
            }
            i += len
        }
        utf8Offsets.append(Int32(run.count))
        return utf16.withUnsafeBufferPointer { text in
            var start = loupe_word_breaker_set_text(iterator, text.baseAddress, Int32(text.count))
            guard start == 0 else { return false }
            while true {
                let end = loupe_word_breaker_next(iterator)
                if end < 0 { break }
                if loupe_word_breaker_is_word(iterator) != 0 {
                    body(Int(utf8Offsets[Int(start)]), Int(utf8Offsets[Int(end)]))
                }
                start = end
            }
            // ICU keeps a pointer to the text: detach it before the buffer may move.
            _ = loupe_word_breaker_set_text(iterator, nil, 0)
            return true
        }
    }
}
