// AVX2 kernels for x86-64: block decoding, the search for a doc within a decoded block,
// phrase matching and the disjunction scorer's bulk BM25. They are selected at run time
// (`loupe_has_avx2`); the Swift loops they replace stay as the portable path and as the
// reference the tests hold them to.
#include "CLoupeSupport.h"

int loupe_has_avx2 = 0;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

// Group of 8 values at width `w` (exactly `w` bytes): values 0–3 are read from a load at the
// group's first byte, values 4–7 from a load at byte `4w / 8`. Within its 128-bit lane, value
// `k` starts at bit `b`: its 4 bytes from byte `b / 8` are gathered by a byte shuffle, then
// shifted right by `b % 8` (≤ 7, so 24 + 7 bits fit in the 32-bit word) and masked.
static uint8_t shuffles[25][32] __attribute__((aligned(32)));
static uint32_t shifts[25][8] __attribute__((aligned(32)));

static void build_tables(void) {
    for (unsigned w = 0; w <= 24; w++) {
        for (unsigned k = 0; k < 8; k++) {
            unsigned laneStart = k < 4 ? 0 : ((4 * w) >> 3) * 8;
            unsigned bit = k * w - laneStart;
            for (unsigned b = 0; b < 4; b++) shuffles[w][k * 4 + b] = (uint8_t)((bit >> 3) + b);
            shifts[w][k] = bit & 7;
        }
    }
}

static int detect_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27)) || !(c & (1u << 28)) || !(c & (1u << 23))) return 0; // OSXSAVE, AVX, POPCNT
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0; // the OS saves the XMM and YMM state
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 5)) != 0;
}

__attribute__((constructor)) static void loupe_support_init(void) {
    build_tables();
    loupe_has_avx2 = detect_avx2();
}

static inline uint32_t scalar_value(const uint8_t *p, unsigned bit, unsigned w) {
    uint64_t x;
    memcpy(&x, p + (bit >> 3), 8);
    return (uint32_t)((x >> (bit & 7)) & ((1ull << w) - 1));
}

#define AVX2_INLINE __attribute__((target("avx2"), always_inline)) static inline

// Group `g` of a block (8 values, `w` bytes at `p`). `wide` (w > 10): each lane's bytes may
// span 16, so a lane is a 16-byte load; otherwise 8 (bit 4 + 3·10 + 7 < 64). A 16-byte load
// at `upper` ends `16 - (w - 4w/8)` bytes past the group: for the last group of the block
// that stays within the 8 bytes of slack only when w ≥ 15, so for w in 11 ... 14 the last
// group is read value by value.
AVX2_INLINE __m256i load_group(const uint8_t *p, unsigned w, const int wide, const int last,
                               __m256i shuffle, __m256i shift, __m256i mask) {
    __m128i lo, hi;
    const uint8_t *upper = p + ((4 * w) >> 3);
    if (!wide) {
        lo = _mm_loadl_epi64((const __m128i *)p);
        hi = _mm_loadl_epi64((const __m128i *)upper);
    } else if (!last || w >= 15) {
        lo = _mm_loadu_si128((const __m128i *)p);
        hi = _mm_loadu_si128((const __m128i *)upper);
    } else {
        return _mm256_setr_epi32((int)scalar_value(p, 0, w), (int)scalar_value(p, w, w),
                                 (int)scalar_value(p, 2 * w, w), (int)scalar_value(p, 3 * w, w),
                                 (int)scalar_value(p, 4 * w, w), (int)scalar_value(p, 5 * w, w),
                                 (int)scalar_value(p, 6 * w, w), (int)scalar_value(p, 7 * w, w));
    }
    __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    v = _mm256_shuffle_epi8(v, shuffle);
    v = _mm256_srlv_epi32(v, shift);
    return _mm256_and_si256(v, mask);
}

// Running sums of the 8 lanes after `*carry` (which holds the previous total in every lane):
// prefix sums within each 128-bit lane, then the low lane's total into the high lane. The
// group's own total is broadcast from its prefix sums, not from the result, so consecutive
// groups depend on each other through one add (a chain through the broadcast cost 5 cycles
// a group).
AVX2_INLINE __m256i running_sums(__m256i v, __m256i *carry) {
    v = _mm256_add_epi32(v, _mm256_slli_si256(v, 4));
    v = _mm256_add_epi32(v, _mm256_slli_si256(v, 8));
    __m256i low = _mm256_blend_epi32(_mm256_setzero_si256(), _mm256_permutevar8x32_epi32(v, _mm256_set1_epi32(3)), 0xF0);
    v = _mm256_add_epi32(v, low);
    __m256i total = _mm256_permutevar8x32_epi32(v, _mm256_set1_epi32(7));
    v = _mm256_add_epi32(v, *carry);
    *carry = _mm256_add_epi32(*carry, total);
    return v;
}

enum { WITH_STARTS = 3 };

AVX2_INLINE void finish_group(__m256i v, unsigned g, uint32_t *out, uint32_t *starts, const int mode, __m256i *carry) {
    if (mode == LOUPE_UNPACK_PLUS_ONE || mode == WITH_STARTS) v = _mm256_add_epi32(v, _mm256_set1_epi32(1));
    if (mode == LOUPE_UNPACK_GAPS) v = running_sums(_mm256_add_epi32(v, _mm256_set1_epi32(1)), carry);
    if (mode == WITH_STARTS) _mm256_storeu_si256((__m256i *)(starts + 8 * g + 1), running_sums(v, carry));
    _mm256_storeu_si256((__m256i *)(out + 8 * g), v);
}

// The per-width constants of `load_group`.
typedef struct { __m256i shuffle, shift, mask; } group_layout;

AVX2_INLINE group_layout layout_for(unsigned bits) {
    group_layout l = {
        _mm256_load_si256((const __m256i *)shuffles[bits]),
        _mm256_load_si256((const __m256i *)shifts[bits]),
        _mm256_set1_epi32((int)((1u << bits) - 1)),
    };
    return l;
}

// One loop per (mode, wide) pair, so neither is tested per group.
AVX2_INLINE void unpack_block(const uint8_t *src, unsigned bits, uint32_t *out, uint32_t base, uint32_t *starts,
                              const int mode, const int wide) {
    const group_layout l = layout_for(bits);
    __m256i carry = _mm256_set1_epi32(mode == WITH_STARTS ? 0 : (int)base);
    if (mode == WITH_STARTS) starts[0] = 0;
    for (unsigned g = 0; g < 15; g++)
        finish_group(load_group(src + g * bits, bits, wide, 0, l.shuffle, l.shift, l.mask), g, out, starts, mode, &carry);
    finish_group(load_group(src + 15 * bits, bits, wide, 1, l.shuffle, l.shift, l.mask), 15, out, starts, mode, &carry);
}

__attribute__((target("avx2")))
void loupe_unpack128_avx2(const uint8_t *src, unsigned bits, uint32_t *out, int mode, uint32_t base, uint32_t *starts) {
    if (mode == LOUPE_UNPACK_PLUS_ONE && starts) mode = WITH_STARTS;
    const int wide = bits > 10;
    switch (mode * 2 + wide) {
    case LOUPE_UNPACK_PLAIN * 2: unpack_block(src, bits, out, base, starts, LOUPE_UNPACK_PLAIN, 0); break;
    case LOUPE_UNPACK_PLAIN * 2 + 1: unpack_block(src, bits, out, base, starts, LOUPE_UNPACK_PLAIN, 1); break;
    case LOUPE_UNPACK_PLUS_ONE * 2: unpack_block(src, bits, out, base, starts, LOUPE_UNPACK_PLUS_ONE, 0); break;
    case LOUPE_UNPACK_PLUS_ONE * 2 + 1: unpack_block(src, bits, out, base, starts, LOUPE_UNPACK_PLUS_ONE, 1); break;
    case LOUPE_UNPACK_GAPS * 2: unpack_block(src, bits, out, base, starts, LOUPE_UNPACK_GAPS, 0); break;
    case LOUPE_UNPACK_GAPS * 2 + 1: unpack_block(src, bits, out, base, starts, LOUPE_UNPACK_GAPS, 1); break;
    case WITH_STARTS * 2: unpack_block(src, bits, out, base, starts, WITH_STARTS, 0); break;
    default: unpack_block(src, bits, out, base, starts, WITH_STARTS, 1); break;
    }
}

__attribute__((target("avx2")))
void loupe_unpack_range_avx2(const uint8_t *src, unsigned bits, long from, long count, uint32_t *out) {
    if (count <= 0) return;
    const group_layout l = layout_for(bits);
    const int wide = bits > 10;
    uint32_t groups[128] __attribute__((aligned(32)));
    long first = from >> 3, last = (from + count - 1) >> 3;
    for (long g = first; g <= last; g++) {
        __m256i v = load_group(src + g * bits, bits, wide, g == 15, l.shuffle, l.shift, l.mask);
        _mm256_store_si256((__m256i *)(groups + 8 * (g - first)), v);
    }
    memcpy(out, groups + (from & 7), (size_t)count * sizeof(uint32_t));
}

__attribute__((target("avx2,popcnt")))
long loupe_count_equal_avx2(const uint32_t *values, long count, uint32_t value) {
    const __m256i want = _mm256_set1_epi32((int)value);
    long found = 0, i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256i eq = _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(values + i)), want);
        found += __builtin_popcount((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(eq)));
    }
    for (; i < count; i++) found += values[i] == value;
    return found;
}

__attribute__((target("avx2,popcnt")))
long loupe_first_at_least_avx2(const uint32_t *values, long from, long count, uint32_t target) {
    // Unsigned order as signed order after flipping the top bit.
    const __m256i bias = _mm256_set1_epi32((int)0x80000000u);
    const __m256i t = _mm256_xor_si256(_mm256_set1_epi32((int)target), bias);
    long less = 0, i = from;
    for (; i + 8 <= count; i += 8) {
        __m256i v = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(values + i)), bias);
        less += __builtin_popcount((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(t, v))));
    }
    if (i < count) {
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count - i)), lanes);
        __m256i v = _mm256_xor_si256(_mm256_maskload_epi32((const int *)(values + i), keep), bias);
        __m256i lt = _mm256_and_si256(_mm256_cmpgt_epi32(t, v), keep);
        less += __builtin_popcount((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(lt)));
    }
    return from + less;
}

__attribute__((target("avx2")))
void loupe_exclusive_sums_avx2(const uint32_t *values, long count, uint32_t *starts) {
    __m256i carry = _mm256_setzero_si256();
    long i = 0;
    starts[0] = 0;
    for (; i + 8 <= count; i += 8) {
        __m256i v = running_sums(_mm256_loadu_si256((const __m256i *)(values + i)), &carry);
        _mm256_storeu_si256((__m256i *)(starts + i + 1), v); // inclusive sums, one slot later
    }
    uint32_t sum = starts[i];
    for (; i < count; i++) { sum += values[i]; starts[i + 1] = sum; }
}

// Unsigned 32-bit lanes to doubles, exactly: flip the top bit, convert as signed, add 2^31.
AVX2_INLINE __m256d u32_to_pd(__m128i v) {
    __m256d d = _mm256_cvtepi32_pd(_mm_xor_si128(v, _mm_set1_epi32((int)0x80000000u)));
    return _mm256_add_pd(d, _mm256_set1_pd(2147483648.0));
}

__attribute__((target("avx2,popcnt")))
long loupe_accumulate_bm25_avx2(const uint32_t *docs, const uint32_t *tfs, long count, const uint32_t *lengths,
                                double weight, double constant, double perLength, long base,
                                int64_t *acc, uint64_t *seen, int64_t limit) {
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
    const __m256d w = _mm256_set1_pd(weight), c = _mm256_set1_pd(constant), p = _mm256_set1_pd(perLength);
    const __m256d scale = _mm256_set1_pd(1099511627776.0), half = _mm256_set1_pd(0.5);
    // 2^52: for an integral 0 ≤ f < 2^52, the bits of f + 2^52 are those of 2^52 plus f.
    const __m256d magic = _mm256_set1_pd(4503599627370496.0);
    const __m256i lim = _mm256_set1_epi64x(limit);
    long above = 0, i = 0;
    int64_t f[4] __attribute__((aligned(32)));
    for (; i + 4 <= count; i += 4) {
        __m128i lv = _mm_setr_epi32((int)lengths[docs[i]], (int)lengths[docs[i + 1]],
                                    (int)lengths[docs[i + 2]], (int)lengths[docs[i + 3]]);
        __m256d t = u32_to_pd(_mm_loadu_si128((const __m128i *)(tfs + i)));
        __m256d len = u32_to_pd(lv);
        // weight · t / ((t + constant) + perLength · length), as `BM25Weight.score` evaluates it.
        __m256d s = _mm256_div_pd(_mm256_mul_pd(w, t), _mm256_add_pd(_mm256_add_pd(t, c), _mm256_mul_pd(p, len)));
        __m256d y = _mm256_floor_pd(_mm256_add_pd(_mm256_mul_pd(s, scale), half));
        __m256i fx = _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(y, magic)), _mm256_castpd_si256(magic));
        above += __builtin_popcount((unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(fx, lim))));
        _mm256_store_si256((__m256i *)f, fx);
        for (int k = 0; k < 4; k++) {
            long off = (long)docs[i + k] - base;
            acc[off] += f[k];
            seen[off >> 6] |= 1ull << (off & 63);
        }
    }
    for (; i < count; i++) {
        double t = (double)tfs[i];
        int64_t fx = loupe_fixed_score(weight * t / ((t + constant) + perLength * (double)lengths[docs[i]]));
        long off = (long)docs[i] - base;
        acc[off] += fx;
        above += fx > limit;
        seen[off >> 6] |= 1ull << (off & 63);
    }
    return above;
}

#else

void loupe_unpack128_avx2(const uint8_t *src, unsigned bits, uint32_t *out, int mode, uint32_t base, uint32_t *starts) {
    (void)src; (void)bits; (void)out; (void)mode; (void)base; (void)starts;
    __builtin_trap(); // never called: `loupe_has_avx2` is 0 here
}

long loupe_first_at_least_avx2(const uint32_t *values, long from, long count, uint32_t target) {
    (void)values; (void)from; (void)count; (void)target;
    __builtin_trap();
}

void loupe_unpack_range_avx2(const uint8_t *src, unsigned bits, long from, long count, uint32_t *out) {
    (void)src; (void)bits; (void)from; (void)count; (void)out;
    __builtin_trap();
}

long loupe_count_equal_avx2(const uint32_t *values, long count, uint32_t value) {
    (void)values; (void)count; (void)value;
    __builtin_trap();
}

void loupe_exclusive_sums_avx2(const uint32_t *values, long count, uint32_t *starts) {
    (void)values; (void)count; (void)starts;
    __builtin_trap();
}

long loupe_accumulate_bm25_avx2(const uint32_t *docs, const uint32_t *tfs, long count, const uint32_t *lengths,
                                double weight, double constant, double perLength, long base,
                                int64_t *acc, uint64_t *seen, int64_t limit) {
    (void)docs; (void)tfs; (void)count; (void)lengths; (void)weight; (void)constant; (void)perLength;
    (void)base; (void)acc; (void)seen; (void)limit;
    __builtin_trap();
}

#endif
