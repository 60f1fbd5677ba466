#ifndef LOUPE_ICU_H
#define LOUPE_ICU_H

// What Loupe's analysis takes from ICU (the system's libicuuc) that Swift's standard library
// lacks: the dictionary-based word break iterator (Thai, Lao, Khmer and Myanmar are written
// without spaces between words) and the Script and Extended_Pictographic properties.
//
// Only plain C types cross this header: ICU's headers stay in loupe_icu.c (see CICU's icu.h).

#include <stdint.h>

/// A word break iterator (ICU's UBreakIterator); use from one thread at a time.
typedef struct LoupeWordBreaker LoupeWordBreaker;

/// A word break iterator of the root locale, with no text yet; NULL on failure (ICU's data
/// missing). Its dictionaries cover Thai, Lao, Khmer and Myanmar (Burmese).
LoupeWordBreaker *loupe_word_breaker_open(void);

void loupe_word_breaker_close(LoupeWordBreaker *breaker);

/// Points the iterator at `text[0..<length]` (UTF-16, which must stay valid while iterating;
/// NULL with length 0 detaches it) and returns the first boundary (0), or -1 on failure.
int32_t loupe_word_breaker_set_text(LoupeWordBreaker *breaker, const uint16_t *text, int32_t length);

/// The boundary after the current one, or -1 at the end of the text.
int32_t loupe_word_breaker_next(LoupeWordBreaker *breaker);

/// Whether the segment ending at the current boundary is a word (letters, numbers, kana,
/// ideographs) rather than spaces or punctuation.
int loupe_word_breaker_is_word(LoupeWordBreaker *breaker);

/// Scripts Loupe's analysis tells apart (a coarse view of the Unicode Script property).
typedef enum {
    LOUPE_SCRIPT_OTHER = 0,
    /// Han, Hiragana, Katakana or Hangul.
    LOUPE_SCRIPT_CJK = 1,
    /// Thai, Lao, Khmer or Myanmar.
    LOUPE_SCRIPT_SOUTHEAST_ASIAN = 2,
} LoupeScript;

/// The script group of code point `c`, by its Script property, or for a Common or Inherited
/// character (the prolonged sound mark ー) by its Script_Extensions.
LoupeScript loupe_script_group(uint32_t c);

/// Whether `c` has the Extended_Pictographic property (emoji, and code points reserved for
/// future emoji).
int loupe_is_extended_pictographic(uint32_t c);

#endif
