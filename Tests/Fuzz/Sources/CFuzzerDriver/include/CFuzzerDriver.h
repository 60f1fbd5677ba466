// libFuzzer's entry point for programs with their own main (LLVM 11 and later): parses
// libFuzzer's flags from argv and runs `callback` on each input. SwiftPM gives every
// executable its own main, so the fuzz targets call this instead of linking libFuzzer's.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
