#ifndef MINIBATCHGD_CKERNELS_H
#define MINIBATCHGD_CKERNELS_H

// The hot loops of MiniBatchGD in C: the fused single-output kernel of the training loop and
// the double-double gradient pass of the closed form's refinement, each compiled once per vector
// width so one binary runs every x86-64 CPU at its full width (no -march flag, which a package
// used as a dependency cannot set): each variant carries its own target attribute and the
// caller picks one with mbgd_kernel_best(). Other architectures get the portable variant only.
//
// The fused kernel, one pass over `rows` rows: r_i = x_i·w + offset − y_i, then g ← α·Σ ω_i r_i x_i and
// *gc ← α·Σ ω_i r_i (added to g and *gc instead when `accumulate` is nonzero); returns ½Σ ω_i r_i².
// ω is `omega` (one weight per row) or 1 when `omega` is NULL. Row i's features are at
// x + i·ldx, its target at y[i·ldy]. Float data is read as float and computed in double: the
// parameters, the gradient and the sums are double whatever the data. With `ahead` > 0 the kernel
// asks for each row of the run about `ahead` bytes before it reads it (for rows streamed from
// memory; 0 for rows in cache, where the requests only cost instructions).

#include <stddef.h>

// Internal to the library: not exported from libminibatchgd.so, whose C interface is
// include/minibatchgd.h alone (the kernels' names share its mbgd_ prefix).
#pragma GCC visibility push(hidden)

/// The instruction sets a kernel is compiled for, widest last.
typedef enum {
    /// What every CPU of the architecture runs (SSE2 on x86-64): two doubles a vector.
    MBGDKernelPortable = 0,
    /// AVX2 with FMA (x86-64-v3): four doubles a vector.
    MBGDKernelAVX2 = 1,
    /// AVX-512F (x86-64-v4): eight doubles a vector.
    MBGDKernelAVX512 = 2,
    /// The AVX-512 variant's source, eight doubles a vector, compiled for the baseline (the
    /// compiler splits each vector): never the best, but every CPU runs it, so the tests check
    /// the eight-lane code on CPUs without AVX-512.
    MBGDKernelPortableEightLanes = 3,
} MBGDKernelVariant;

/// Whether this CPU (and its operating system, for the wide registers' state) runs `variant`.
int mbgd_kernel_supported(MBGDKernelVariant variant);

/// The widest variant this CPU runs.
MBGDKernelVariant mbgd_kernel_best(void);

double mbgd_fused_f64(MBGDKernelVariant variant, long rows, long p, const double *x, long ldx,
                      const double *y, long ldy, const double *omega, const double *w,
                      double offset, double alpha, int accumulate, double *g, double *gc,
                      long ahead);

double mbgd_fused_f32(MBGDKernelVariant variant, long rows, long p, const float *x, long ldx,
                      const float *y, long ldy, const double *omega, const double *w,
                      double offset, double alpha, int accumulate, double *g, double *gc,
                      long ahead);

/// The losses other than squares that the fused loss kernel computes in place (ℓ of a residual
/// r = prediction − target, with its parameter): Huber's (δ), epsilon-insensitive (ε), squared
/// epsilon-insensitive (ε, ℓ = max(0, |r| − ε)²/2) and quantile (τ).
typedef enum {
    MBGDLossHuber = 1,
    MBGDLossEpsilonInsensitive = 2,
    MBGDLossSquaredEpsilonInsensitive = 3,
    MBGDLossQuantile = 4,
} MBGDLoss;

/// The fused kernel for `loss` with its `parameter`: one pass over `rows` rows with
/// r_i = x_i·w + offset − y_i, g ← α·Σ ω_i ℓ′(r_i) x_i and *gc ← α·Σ ω_i ℓ′(r_i) (added to g and
/// *gc when `accumulate` is nonzero); returns Σ ω_i ℓ(r_i). Arguments as mbgd_fused_f64's. Every
/// variant gives the same bits (the same additions in the same order, no fused multiply-adds),
/// and ℓ and ℓ′ of a residual are the bits of the Swift loss types' `value` and `derivative`.
double mbgd_fused_loss_f64(MBGDKernelVariant variant, MBGDLoss loss, double parameter, long rows, long p, const double *x,
                           long ldx, const double *y, long ldy, const double *omega, const double *w, double offset,
                           double alpha, int accumulate, double *g, double *gc, long ahead);

/// mbgd_fused_loss_f64 over float rows, each value widened to double as it is read: the same
/// bits as over the widened values.
double mbgd_fused_loss_f32(MBGDKernelVariant variant, MBGDLoss loss, double parameter, long rows, long p, const float *x,
                           long ldx, const float *y, long ldy, const double *omega, const double *w, double offset,
                           double alpha, int accumulate, double *g, double *gc, long ahead);

/// The gradient pass of iterative refinement in twice the working precision (Ogita, Rump and
/// Oishi's Dot2): over `rows` rows with r_i = y_i − c − x_i·w, adds Σ ω_i r_i to the unevaluated
/// sum high[0] + low[0] and Σ ω_i r_i x_ij to high[1 + j] + low[1 + j]. Rows of weight 0 are
/// skipped; ω is 1 when `omega` is NULL. Every variant gives the same bits.
void mbgd_dot2_gradient(MBGDKernelVariant variant, long rows, long p, const double *x, long ldx, const double *y,
                        long ldy, const double *omega, const double *w, double c, double *high, double *low);

/// The same pass over float data, each element widened to double (exactly): the same bits as
/// mbgd_dot2_gradient over the widened values.
void mbgd_dot2_gradient_f32(MBGDKernelVariant variant, long rows, long p, const float *x, long ldx, const float *y,
                            long ldy, const double *omega, const double *w, double c, double *high, double *low);

/// A hint to the CPU that the caller is spinning on a flag another thread will set (x86 PAUSE,
/// arm64 YIELD): it saves power and frees the core's shared resources for its sibling thread.
static inline void mbgd_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// The adaptive rules' changes on sparse rows (AdaGrad, RMSprop, Adam): m[e] ← rate·m[e]/(√v[e] + ε)
/// for e < count. Every variant gives the same bits: each operation is correctly rounded.
void mbgd_adaptive_changes(MBGDKernelVariant variant, long count, double *m, const double *v, double rate, double epsilon);

/// The ridge path's per-row terms for one target (RidgePath's score pass), over `rows` rows whose
/// projections onto the r eigenvectors are q (rows×r), centred targets t, weights w (NULL: 1),
/// d[j·m + a] = 1/(λⱼ + αₐ), b[j·m + a] = cⱼ/(λⱼ + αₐ) and intercept leverage c: writes
/// ℓ = w·r²/(1 − w·(h + c))² into loo and w·r² into squares (rows×m; zeros for a row of weight
/// ≤ 0), adds their column sums over the rows of positive weight to looSums and residualSums,
/// and returns how many rows have positive weight. Every variant gives the same bits.
long mbgd_ridge_terms(MBGDKernelVariant variant, long rows, long r, long m, const double *q, const double *t,
                      const double *w, const double *d, const double *b, double c, double *loo, double *squares,
                      double *looSums, double *residualSums);

#pragma GCC visibility pop

#endif
