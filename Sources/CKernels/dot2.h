// The double-double gradient pass of iterative refinement, written once and compiled once per
// vector width: kernels.c includes this file with
//   DOT2_NAME    the function to define,
//   DOT2_TARGET  the target attribute of the variant (empty for the portable one),
//   DOT2_DATA    the element type of X and Y (double, or float read as double: exact).
// Products are split by an explicit fused multiply-add (an instruction where the variant has
// one, the C library's fma() elsewhere) and contraction is off, so every variant gives the same
// bits. Needs two_sum from kernels.c.

#define DOT2_PASTE2(a, b) a##b
#define DOT2_PASTE(a, b) DOT2_PASTE2(a, b)
#define DOT2_BODY DOT2_PASTE(DOT2_NAME, _body)

static inline __attribute__((always_inline)) DOT2_TARGET void DOT2_BODY(
    long rows, long p, const DOT2_DATA *x, long ldx, const DOT2_DATA *y, long ldy, const double *omega,
    const double *w, double c, double *high, double *low) {
    // Every rounding as written: no a·b + c fused behind the algorithm's back.
#pragma clang fp contract(off)
    for (long i = 0; i < rows; i++) {
        const double weight = omega ? omega[i] : 1;
        if (weight == 0) continue;
        const DOT2_DATA *row = x + i * ldx;
        // r = y − c − Σ xⱼwⱼ as an unevaluated sum rh + rl.
        double sum, error;
        two_sum((double)y[i * ldy], -c, &sum, &error);
        for (long j = 0; j < p; j++) {
            const double xj = (double)row[j];
            const double product = -xj * w[j];
            const double productError = __builtin_fma(-xj, w[j], -product);
            double t, e;
            two_sum(sum, product, &t, &e);
            sum = t;
            error += e + productError;
        }
        double rh = sum + error, rl = error - (rh - sum);
        if (weight != 1) {
            const double product = rh * weight;
            rl = __builtin_fma(rh, weight, -product) + rl * weight;
            rh = product;
        }
        double t0, e0;
        two_sum(high[0], rh, &t0, &e0);
        high[0] = t0;
        low[0] += e0 + rl;
        for (long j = 0; j < p; j++) {
            const double xj = (double)row[j];
            const double product = xj * rh;
            const double productError = __builtin_fma(xj, rh, -product) + xj * rl;
            const double s = high[1 + j] + product, v = s - high[1 + j];
            const double e = (high[1 + j] - (s - v)) + (product - v);
            high[1 + j] = s;
            low[1 + j] += e + productError;
        }
    }
}

DOT2_TARGET static void DOT2_NAME(long rows, long p, const DOT2_DATA *x, long ldx, const DOT2_DATA *y, long ldy,
                                  const double *omega, const double *w, double c, double *high, double *low) {
    if (omega)
        DOT2_BODY(rows, p, x, ldx, y, ldy, omega, w, c, high, low);
    else
        DOT2_BODY(rows, p, x, ldx, y, ldy, NULL, w, c, high, low);
}

#undef DOT2_BODY
#undef DOT2_PASTE
#undef DOT2_PASTE2
#undef DOT2_NAME
#undef DOT2_DATA
