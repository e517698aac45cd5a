#include "CKernels.h"

/// s + e = a + b exactly (Knuth's TwoSum, no branch).
static inline __attribute__((always_inline)) void two_sum(double a, double b, double *s, double *e) {
#pragma clang fp contract(off)
    const double sum = a + b, v = sum - a;
    *s = sum;
    *e = (a - (sum - v)) + (b - v);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define MBGD_X86_VARIANTS 1
#endif

// The portable variant: four doubles a vector, which the compiler splits into what the
// architecture's baseline has (two SSE2 registers on x86-64, two NEON registers on arm64).
#define FUSED_LANES 4
#define FUSED_TARGET
#define FUSED_NAME fused_f64_portable
#define FUSED_DATA double
#define FUSED_SIDE_BY_SIDE 0
#include "fused.h"
#define FUSED_NAME fused_f32_portable
#define FUSED_DATA float
#define FUSED_SIDE_BY_SIDE 1
#include "fused.h"
#undef FUSED_LANES
#undef FUSED_TARGET
#define DOT2_TARGET
#define DOT2_NAME dot2_f64_portable
#define DOT2_DATA double
#include "dot2.h"
#define DOT2_NAME dot2_f32_portable
#define DOT2_DATA float
#include "dot2.h"
#undef DOT2_TARGET

// The AVX-512 variant's source for the baseline: what the tests run to check eight lanes.
#define FUSED_LANES 8
#define FUSED_TARGET
#define FUSED_NAME fused_f64_portable8
#define FUSED_DATA double
#define FUSED_SIDE_BY_SIDE 0
#include "fused.h"
#define FUSED_NAME fused_f32_portable8
#define FUSED_DATA float
#define FUSED_SIDE_BY_SIDE 1
#include "fused.h"
#undef FUSED_LANES
#undef FUSED_TARGET

#ifdef MBGD_X86_VARIANTS
#define FUSED_LANES 4
#define FUSED_TARGET __attribute__((target("avx2,fma")))
#define FUSED_NAME fused_f64_avx2
#define FUSED_DATA double
#define FUSED_SIDE_BY_SIDE 0
#include "fused.h"
#define FUSED_NAME fused_f32_avx2
#define FUSED_DATA float
#define FUSED_SIDE_BY_SIDE 1
#include "fused.h"
#undef FUSED_LANES
#undef FUSED_TARGET
#define DOT2_TARGET __attribute__((target("avx2,fma")))
#define DOT2_NAME dot2_f64_avx2
#define DOT2_DATA double
#include "dot2.h"
#define DOT2_NAME dot2_f32_avx2
#define DOT2_DATA float
#include "dot2.h"
#undef DOT2_TARGET

#define FUSED_LANES 8
#define FUSED_TARGET __attribute__((target("avx512f,avx2,fma")))
#define FUSED_NAME fused_f64_avx512
#define FUSED_DATA double
#define FUSED_SIDE_BY_SIDE 0
#include "fused.h"
#define FUSED_NAME fused_f32_avx512
#define FUSED_DATA float
#define FUSED_SIDE_BY_SIDE 1
#include "fused.h"
#undef FUSED_LANES
#undef FUSED_TARGET
#define DOT2_TARGET __attribute__((target("avx512f,avx2,fma")))
#define DOT2_NAME dot2_f64_avx512
#define DOT2_DATA double
#include "dot2.h"
#define DOT2_NAME dot2_f32_avx512
#define DOT2_DATA float
#include "dot2.h"
#undef DOT2_TARGET
#endif

// ℓ(r) into *value and ℓ′(r) returned, for the losses the Swift types HuberLoss,
// EpsilonInsensitiveLoss, SquaredEpsilonInsensitiveLoss and QuantileLoss define, each written
// with the same operations in the same order as their `value` and `derivative` (Swift's max(x, y)
// is y >= x ? y : x, min(x, y) is y < x ? y : x), so a residual gets the same bits here as there.
// `parameter`: δ, ε, ε or τ. Inlined with a constant `loss`, so the switch folds away.
static inline __attribute__((always_inline)) double loss_terms(int loss, double parameter, double r, double *value) {
#pragma clang fp contract(off)
    switch (loss) {
    case MBGDLossHuber: {
        const double delta = parameter, size = __builtin_fabs(r);
        *value = size <= delta ? 0.5 * r * r : delta * (size - 0.5 * delta);
        const double low = -delta >= r ? -delta : r;
        return delta < low ? delta : low;
    }
    case MBGDLossEpsilonInsensitive: {
        const double epsilon = parameter, excess = __builtin_fabs(r) - epsilon;
        *value = 0 >= excess ? 0.0 : excess;
        return r > epsilon ? 1.0 : r < -epsilon ? -1.0 : 0.0;
    }
    case MBGDLossSquaredEpsilonInsensitive: {
        const double epsilon = parameter, difference = __builtin_fabs(r) - epsilon;
        const double excess = 0 >= difference ? 0.0 : difference;
        *value = 0.5 * excess * excess;
        return r > epsilon ? r - epsilon : r < -epsilon ? r + epsilon : 0.0;
    }
    default: {
        const double tau = parameter;
        *value = r > 0 ? (1 - tau) * r : -tau * r;
        return r > 0 ? 1 - tau : r < 0 ? -tau : 0.0;
    }
    }
}

// Eight doubles, the lanes of every width's loss kernel (fused_loss.h).
typedef double loss_lanes __attribute__((vector_size(64)));

// The losses' fused kernel (fused_loss.h) for each width and element type.
#define LOSS_TARGET
#define LOSS_NAME fused_loss_f64_portable
#define LOSS_DATA double
#include "fused_loss.h"
#define LOSS_NAME fused_loss_f32_portable
#define LOSS_DATA float
#include "fused_loss.h"
#undef LOSS_TARGET
#ifdef MBGD_X86_VARIANTS
#define LOSS_TARGET __attribute__((target("avx2,fma")))
#define LOSS_NAME fused_loss_f64_avx2
#define LOSS_DATA double
#include "fused_loss.h"
#define LOSS_NAME fused_loss_f32_avx2
#define LOSS_DATA float
#include "fused_loss.h"
#undef LOSS_TARGET
#define LOSS_TARGET __attribute__((target("avx512f,avx2,fma")))
#define LOSS_NAME fused_loss_f64_avx512
#define LOSS_DATA double
#include "fused_loss.h"
#define LOSS_NAME fused_loss_f32_avx512
#define LOSS_DATA float
#include "fused_loss.h"
#undef LOSS_TARGET
#endif

// The adaptive rules' changes on sparse rows, Δₑ = rate·mₑ/(√vₑ + ε) written over m: one
// correctly rounded product, root, sum and quotient each, whatever the width, so every variant
// gives the same bits (and those of the scalar expression in Swift).
#define ADAPTIVE_CHANGES(NAME, TARGET, LANES)                                                      \
    static TARGET void NAME(long count, double *m, const double *v, double rate, double epsilon) { \
        _Pragma("clang fp contract(off)")                                                          \
        typedef double lanes_t __attribute__((ext_vector_type(LANES), aligned(8)));              \
        long e = 0;                                                                                \
        for (; e + LANES <= count; e += LANES) {                                                   \
            const lanes_t numerator = *(const lanes_t *)(m + e), square = *(const lanes_t *)(v + e); \
            *(lanes_t *)(m + e) = rate * numerator / (__builtin_elementwise_sqrt(square) + epsilon); \
        }                                                                                          \
        for (; e < count; e++) m[e] = rate * m[e] / (__builtin_sqrt(v[e]) + epsilon);              \
    }
ADAPTIVE_CHANGES(adaptive_changes_portable, , 2)
ADAPTIVE_CHANGES(adaptive_changes_portable8, , 8)
#ifdef MBGD_X86_VARIANTS
ADAPTIVE_CHANGES(adaptive_changes_avx2, __attribute__((target("avx2,fma"))), 4)
ADAPTIVE_CHANGES(adaptive_changes_avx512, __attribute__((target("avx512f,avx2,fma"))), 8)
#endif

// The ridge path's terms (ridge_terms.h): two lanes for the baseline, eight for the tests' check
// of the AVX-512 width, and the x86 variants.
#define RIDGE_TARGET
#define RIDGE_LANES 2
#define RIDGE_NAME ridge_terms_portable
#include "ridge_terms.h"
#undef RIDGE_LANES
#define RIDGE_LANES 8
#define RIDGE_NAME ridge_terms_portable8
#include "ridge_terms.h"
#undef RIDGE_LANES
#undef RIDGE_TARGET
#ifdef MBGD_X86_VARIANTS
#define RIDGE_TARGET __attribute__((target("avx2,fma")))
#define RIDGE_LANES 4
#define RIDGE_NAME ridge_terms_avx2
#include "ridge_terms.h"
#undef RIDGE_LANES
#undef RIDGE_TARGET
#define RIDGE_TARGET __attribute__((target("avx512f,avx2,fma")))
#define RIDGE_LANES 8
#define RIDGE_NAME ridge_terms_avx512
#include "ridge_terms.h"
#undef RIDGE_LANES
#undef RIDGE_TARGET
#endif

int mbgd_kernel_supported(MBGDKernelVariant variant) {
    switch (variant) {
    case MBGDKernelPortable: return 1;
    case MBGDKernelPortableEightLanes: return 1;
#ifdef MBGD_X86_VARIANTS
    // __builtin_cpu_supports also checks that the operating system saves the wide registers.
    case MBGDKernelAVX2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case MBGDKernelAVX512: __builtin_cpu_init(); return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    default: return 0;
    }
}

MBGDKernelVariant mbgd_kernel_best(void) {
    if (mbgd_kernel_supported(MBGDKernelAVX512)) return MBGDKernelAVX512;
    if (mbgd_kernel_supported(MBGDKernelAVX2)) return MBGDKernelAVX2;
    return MBGDKernelPortable;
}

// One selection for every entry point: the body compiled for the variant, by name suffix
// (`_avx512`, `_avx2`, `_portable8`, `_portable`). `eight` names the eight-lane portable body,
// or the four-lane one where the kernel has no other.
#ifdef MBGD_X86_VARIANTS
#define MBGD_SELECT(variant, name, eight)                                                          \
    ((variant) == MBGDKernelAVX512 ? name##_avx512                                                 \
     : (variant) == MBGDKernelAVX2 ? name##_avx2                                                   \
     : (variant) == MBGDKernelPortableEightLanes ? eight                                           \
                                                 : name##_portable)
#else
#define MBGD_SELECT(variant, name, eight) ((variant) == MBGDKernelPortableEightLanes ? eight : name##_portable)
#endif

double mbgd_fused_f64(MBGDKernelVariant variant, long rows, long p, const double *x, long ldx,
                      const double *y, long ldy, const double *omega, const double *w,
                      double offset, double alpha, int accumulate, double *g, double *gc, long ahead) {
    return MBGD_SELECT(variant, fused_f64, fused_f64_portable8)(rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc, ahead);
}

double mbgd_fused_f32(MBGDKernelVariant variant, long rows, long p, const float *x, long ldx,
                      const float *y, long ldy, const double *omega, const double *w,
                      double offset, double alpha, int accumulate, double *g, double *gc, long ahead) {
    return MBGD_SELECT(variant, fused_f32, fused_f32_portable8)(rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc, ahead);
}

double mbgd_fused_loss_f64(MBGDKernelVariant variant, MBGDLoss loss, double parameter, long rows, long p, const double *x,
                           long ldx, const double *y, long ldy, const double *omega, const double *w, double offset,
                           double alpha, int accumulate, double *g, double *gc, long ahead) {
    // Every width takes the same steps, so the eight-lane check is the portable variant itself.
    return MBGD_SELECT(variant, fused_loss_f64, fused_loss_f64_portable)(loss, parameter, rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc, ahead);
}

double mbgd_fused_loss_f32(MBGDKernelVariant variant, MBGDLoss loss, double parameter, long rows, long p, const float *x,
                           long ldx, const float *y, long ldy, const double *omega, const double *w, double offset,
                           double alpha, int accumulate, double *g, double *gc, long ahead) {
    return MBGD_SELECT(variant, fused_loss_f32, fused_loss_f32_portable)(loss, parameter, rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc, ahead);
}

void mbgd_dot2_gradient(MBGDKernelVariant variant, long rows, long p, const double *x, long ldx, const double *y,
                        long ldy, const double *omega, const double *w, double c, double *high, double *low) {
    MBGD_SELECT(variant, dot2_f64, dot2_f64_portable)(rows, p, x, ldx, y, ldy, omega, w, c, high, low);
}

void mbgd_dot2_gradient_f32(MBGDKernelVariant variant, long rows, long p, const float *x, long ldx, const float *y,
                        long ldy, const double *omega, const double *w, double c, double *high, double *low) {
    MBGD_SELECT(variant, dot2_f32, dot2_f32_portable)(rows, p, x, ldx, y, ldy, omega, w, c, high, low);
}

void mbgd_adaptive_changes(MBGDKernelVariant variant, long count, double *m, const double *v, double rate, double epsilon) {
    MBGD_SELECT(variant, adaptive_changes, adaptive_changes_portable8)(count, m, v, rate, epsilon);
}

long mbgd_ridge_terms(MBGDKernelVariant variant, long rows, long r, long m, const double *q, const double *t,
                      const double *w, const double *d, const double *b, double c, double *loo, double *squares,
                      double *looSums, double *residualSums) {
    return MBGD_SELECT(variant, ridge_terms, ridge_terms_portable8)(rows, r, m, q, t, w, d, b, c, loo, squares, looSums, residualSums);
}
