// Declarations only (see include/CFuzzerDriver.h); libFuzzer defines the function.
#include "CFuzzerDriver.h"
