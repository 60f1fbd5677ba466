#ifndef CLOUPE_SUPPORT_H
#define CLOUPE_SUPPORT_H

#include <stdint.h>

/// Hints that `address` will be read soon, so its cache line is fetched while other work
/// runs (Swift has no prefetch intrinsic). Never faults; a no-op where unsupported.
static inline void loupe_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#endif
}

/// As `loupe_prefetch`, for a line that will be written.
static inline void loupe_prefetch_write(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 1, 3);
#endif
}

/// `(int64_t)(score · 2^40 + 0.5)`: a non-negative BM25 score below 2^23 in the fixed point
/// of `BlockMaxScore`, rounded as written (no fused multiply-add). C's conversion has no range
/// check; Swift's `Int64(_: Double)` tests both bounds on every scored posting.
static inline int64_t loupe_fixed_score(double score) {
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
    return (int64_t)(score * 1099511627776.0 + 0.5);
}

/// Nonzero when the processor and the OS support AVX2 (and POPCNT), so the `*_avx2` kernels
/// below may be called (set once when the program loads; always 0 off x86-64).
extern int loupe_has_avx2;

/// `loupe_has_avx2`, read through a function: Swift 6 does not let Swift code read a mutable
/// C global (it cannot know it is written only once, before `main`), but inlines this.
static inline int loupe_avx2_available(void) { return loupe_has_avx2; }

/// What a `loupe_unpack128_*` kernel does with the 128 unpacked values `v`.
enum {
    /// `out[i] = v[i]`.
    LOUPE_UNPACK_PLAIN = 0,
    /// `out[i] = v[i] + 1` (term frequencies, stored minus one).
    LOUPE_UNPACK_PLUS_ONE = 1,
    /// `out[i] = base + Σ_{j ≤ i} (v[j] + 1)`, wrapping (doc ids, stored as gaps minus one).
    LOUPE_UNPACK_GAPS = 2,
};

/// Decodes one block of 128 values bit-packed at `bits` ≤ 24 bits each (value `i` at bits
/// `i·bits ..< (i+1)·bits` of the little-endian stream, `16·bits` bytes) into `out`, with AVX2,
/// 8 values per step. Reads at most 8 bytes past the block, as the scalar decoder does.
/// With `LOUPE_UNPACK_PLUS_ONE` and a non-null `starts`, also sets `starts[i]` to the sum of
/// `out[0 ..< i]` for `i` in `0 ... 128` (where each document's positions start; `base` is
/// then unused). Requires `loupe_has_avx2`.
void loupe_unpack128_avx2(const uint8_t *src, unsigned bits, uint32_t *out, int mode, uint32_t base, uint32_t *starts);

/// The first index in `from ..< count` whose value is ≥ `target` (`count` if none), in the
/// ascending array `values`: the number of smaller values counted 8 at a time, without a
/// data-dependent branch (a binary search over a decoded block mispredicts about half its
/// steps). Reads only `values[from ..< count]`. Requires `loupe_has_avx2`.
long loupe_first_at_least_avx2(const uint32_t *values, long from, long count, uint32_t target);

/// Decodes values `from ..< from + count` of a full block of 128 packed at `bits` ≤ 24 (as
/// `loupe_unpack128_avx2`) into `out[0 ..< count]`, decoding only the groups of 8 that hold
/// them. Reads at most 8 bytes past the block. Requires `loupe_has_avx2`.
void loupe_unpack_range_avx2(const uint8_t *src, unsigned bits, long from, long count, uint32_t *out);

/// How many of `values[0 ..< count]` equal `value`, 8 compared at a time. Requires `loupe_has_avx2`.
long loupe_count_equal_avx2(const uint32_t *values, long count, uint32_t value);

/// `starts[i] = Σ_{j < i} values[j]` for `i` in `0 ... count` (count + 1 entries), wrapping.
/// Requires `loupe_has_avx2`.
void loupe_exclusive_sums_avx2(const uint32_t *values, long count, uint32_t *starts);

/// Bulk BM25 for the disjunction scorer: for each `i < count`, with `d = docs[i]`, adds
/// `loupe_fixed_score(weight · t / ((t + constant) + perLength · lengths[d]))` (t = `tfs[i]`)
/// to `acc[d - base]` and sets bit `d - base` of `seen`; returns how many of those fixed-point
/// scores exceed `limit`. Four scores at a time, bit-identical to the scalar formula for
/// `0 ≤ weight < 4096` (every score then stays below 2^12, so its fixed point below 2^52).
/// Requires `loupe_has_avx2`.
long loupe_accumulate_bm25_avx2(const uint32_t *docs, const uint32_t *tfs, long count, const uint32_t *lengths,
                                double weight, double constant, double perLength, long base,
                                int64_t *acc, uint64_t *seen, int64_t limit);

#endif
