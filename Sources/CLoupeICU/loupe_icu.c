#include "loupe_icu.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

// ICU renames its functions with its major version (ubrk_open is ubrk_open_72) through macros;
// compiling the calls here keeps Loupe independent of the installed version.

LoupeWordBreaker *loupe_word_breaker_open(void) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    if (U_FAILURE(status)) {
        if (it) ubrk_close(it);
        return NULL;
    }
    return (LoupeWordBreaker *)it;
}

void loupe_word_breaker_close(LoupeWordBreaker *breaker) {
    ubrk_close((UBreakIterator *)breaker);
}

int32_t loupe_word_breaker_set_text(LoupeWordBreaker *breaker, const uint16_t *text, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText((UBreakIterator *)breaker, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    return ubrk_first((UBreakIterator *)breaker);
}

int32_t loupe_word_breaker_next(LoupeWordBreaker *breaker) {
    int32_t b = ubrk_next((UBreakIterator *)breaker);
    return b == UBRK_DONE ? -1 : b;
}

int loupe_word_breaker_is_word(LoupeWordBreaker *breaker) {
    return ubrk_getRuleStatus((UBreakIterator *)breaker) >= UBRK_WORD_NONE_LIMIT;
}

static LoupeScript group(UScriptCode s) {
    switch (s) {
    case USCRIPT_HAN: case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA: case USCRIPT_HANGUL:
        return LOUPE_SCRIPT_CJK;
    case USCRIPT_THAI: case USCRIPT_LAO: case USCRIPT_KHMER: case USCRIPT_MYANMAR:
        return LOUPE_SCRIPT_SOUTHEAST_ASIAN;
    default:
        return LOUPE_SCRIPT_OTHER;
    }
}

LoupeScript loupe_script_group(uint32_t c) {
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript((UChar32)c, &status);
    if (U_FAILURE(status)) return LOUPE_SCRIPT_OTHER;
    if (s != USCRIPT_COMMON && s != USCRIPT_INHERITED) return group(s);
    static const UScriptCode cjk[] = {USCRIPT_HAN, USCRIPT_HIRAGANA, USCRIPT_KATAKANA, USCRIPT_HANGUL};
    for (unsigned i = 0; i < sizeof cjk / sizeof cjk[0]; i++) {
        if (uscript_hasScript((UChar32)c, cjk[i])) return LOUPE_SCRIPT_CJK;
    }
    return LOUPE_SCRIPT_OTHER;
}

int loupe_is_extended_pictographic(uint32_t c) {
    return u_hasBinaryProperty((UChar32)c, UCHAR_EXTENDED_PICTOGRAPHIC) ? 1 : 0;
}
