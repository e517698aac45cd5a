#ifndef MINIBATCHGD_CBLAS_SHIM_H
#define MINIBATCHGD_CBLAS_SHIM_H

// OpenBLAS's cblas.h (found through pkg-config's include path) also declares
// openblas_set_num_threads and openblas_get_corename.
#include <cblas.h>
#include <lapacke.h>

#endif
