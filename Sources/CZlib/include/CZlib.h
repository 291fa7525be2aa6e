// The system zlib (libz.so.1, from Debian's zlib1g; its header from zlib1g-dev, which the Swift toolchain needs too),
// for the HTTP and gRPC content codings gzip and deflate. zlib's stream initialisers are macros, which Swift cannot
// call: the functions below wrap them.
#ifndef CZLIB_H
#define CZLIB_H

#include <zlib.h>

/// `inflateInit2`: starts a decompression stream. `windowBits` selects the format (zlib's manual, `inflateInit2`).
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

/// `deflateInit2` with the default memory level and strategy: starts a compression stream.
static inline int CZlib_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

#endif
