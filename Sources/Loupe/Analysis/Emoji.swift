/// What makes up one emoji (Unicode Technical Standard #51), for analysis version 2, where an
/// emoji is a term: `🎉 oil` finds documents containing 🎉.
enum Emoji {
    /// A skin-tone modifier (🏻 ... 🏿).
    @inline(__always)
    static func isModifier(_ v: UInt32) -> Bool { (0x1F3FB...0x1F3FF).contains(v) }

    /// A regional indicator letter: two of them make a flag (🇻 🇳 → 🇻🇳).
    @inline(__always)
    static func isRegionalIndicator(_ v: UInt32) -> Bool { (0x1F1E6...0x1F1FF).contains(v) }

    /// U+FE0E (text presentation) or U+FE0F (emoji presentation): they choose how an emoji
    /// looks, not which it is, so terms leave them out.
    @inline(__always)
    static func isVariationSelector(_ v: UInt32) -> Bool { v == 0xFE0E || v == 0xFE0F }

    /// The end of the emoji sequence starting at `p[i]` (whose first scalar is `firstLength`
    /// bytes): a flag's two regional indicators, or a base followed by any of variation
    /// selectors, skin-tone modifiers, the combining enclosing keycap, tag characters (the
    /// subdivision flags 🏴󠁧󠁢󠁳󠁣󠁴󠁿) and zero-width joiners each followed by another emoji
    /// (👩‍🔬, 👨‍👩‍👧). `classOf` gives a scalar's character class.
    static func sequenceEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ firstLength: Int,
                            _ classOf: (UInt32) -> UInt8) -> Int {
        var j = i + firstLength
        if isRegionalIndicator(decodeUTF8(p, i).value) {
            if j < n {
                let (v, len) = decodeUTF8(p, j)
                if isRegionalIndicator(v) { j += len }
            }
            return j
        }
        while j < n {
            let (v, len) = decodeUTF8(p, j)
            if isVariationSelector(v) || isModifier(v) || v == 0x20E3 || (0xE0020...0xE007F).contains(v) {
                j += len
                continue
            }
            if v == 0x200D && j + len < n {
                let (next, nextLength) = decodeUTF8(p, j + len)
                let cls = classOf(next)
                if cls == CharClass.emoji || cls == CharClass.textEmoji {
                    j += len + nextLength
                    continue
                }
            }
            break
        }
        return j
    }
}
