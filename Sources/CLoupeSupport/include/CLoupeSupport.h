#ifndef CLOUPE_SUPPORT_H
#define CLOUPE_SUPPORT_H

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

#endif
