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
    /// The run in UTF-16, and for each of its indices (and one past the end) the UTF-8 offset
    /// in the run: raw buffers (`capacity` elements each), so filling them costs no access
    /// checks or uniqueness tests per character.
    private var utf16: UnsafeMutablePointer<UInt16>
    private var utf8Offsets: UnsafeMutablePointer<Int32>
    private var capacity = 0

    /// Nil when ICU cannot open a word break iterator (its data missing).
    init?() {
        guard let it = loupe_word_breaker_open() else { return nil }
        iterator = it
        capacity = 1024
        utf16 = .allocate(capacity: capacity)
        utf8Offsets = .allocate(capacity: capacity + 1)
    }

    deinit {
        loupe_word_breaker_close(iterator)
        utf16.deallocate()
        utf8Offsets.deallocate()
    }

    /// Calls `body(start, end)` with the UTF-8 byte range, within `run`, of each word ICU finds
    /// in `run` (valid UTF-8); segments that are not words (spaces, punctuation) are skipped.
    /// Returns false when ICU fails, having called `body` for nothing.
    func forEachWord(in run: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) -> Bool {
        guard let p = run.baseAddress, run.count > 0, run.count < Int(Int32.max / 2) else { return false }
        if run.count > capacity {  // at most one UTF-16 unit per UTF-8 byte
            utf16.deallocate()
            utf8Offsets.deallocate()
            capacity = max(run.count, 2 * capacity)
            utf16 = .allocate(capacity: capacity)
            utf8Offsets = .allocate(capacity: capacity + 1)
        }
        let units = utf16, offsets = utf8Offsets
        var count = 0
        var i = 0
        while i < run.count {
            let (v, len) = decodeUTF8(p, i)
            if v < 0x10000 {
                units[count] = UInt16(v)
                offsets[count] = Int32(i)
                count += 1
            } else {
                let w = v - 0x10000
                units[count] = UInt16(0xD800 + (w >> 10))
                units[count + 1] = UInt16(0xDC00 + (w & 0x3FF))
                offsets[count] = Int32(i)
                offsets[count + 1] = Int32(i)
                count += 2
            }
            i += len
        }
        offsets[count] = Int32(run.count)
        var start = loupe_word_breaker_set_text(iterator, units, Int32(count))
        guard start == 0 else { return false }
        while true {
            let end = loupe_word_breaker_next(iterator)
            if end < 0 { break }
            if loupe_word_breaker_is_word(iterator) != 0 {
                body(Int(offsets[Int(start)]), Int(offsets[Int(end)]))
            }
            start = end
        }
        // ICU keeps a pointer to the text: detach it before the buffer may be reallocated.
        _ = loupe_word_breaker_set_text(iterator, nil, 0)
        return true
    }
}
