#ifndef UNDERSTUDY_CZLIB_SHIM_H
#define UNDERSTUDY_CZLIB_SHIM_H
#include <zlib.h>

/// zlib's version string, so the binary provably links libz.
static inline const char *czlib_version(void) { return zlibVersion(); }
#endif
