#ifndef MINIBATCHGD_CZLIB_SHIM_H
#define MINIBATCHGD_CZLIB_SHIM_H

// zlib inflates and deflates the members of a compressed .npz (a zip archive) and gives
// their CRC-32.
#include <zlib.h>

#endif
