// The ridge path's per-row terms for one target, written once and compiled once per vector
// width: kernels.c includes this file with
//   RIDGE_NAME    the function to define,
//   RIDGE_LANES   doubles per vector,
//   RIDGE_TARGET  the target attribute of the variant (empty for the portable one).
// For row i and strength a, with q the row's projections onto the eigenvectors:
//   leverage hᵢₐ = Σⱼ qᵢⱼ²·dⱼₐ and fitted fᵢₐ = Σⱼ qᵢⱼ·bⱼₐ, each one chain of fused multiply-adds
//   in j order from 0 (lanes run over a, never over j), so every width gives the same bits;
//   then rᵢₐ = tᵢ − fᵢₐ, sᵢₐ = (wᵢ·rᵢₐ)·rᵢₐ and ℓᵢₐ = sᵢₐ / (1 − wᵢ·(hᵢₐ + c))², every
//   operation correctly rounded (+∞ once 1 − wᵢ·(hᵢₐ + c) ≤ 0: the row is its own fit).

#define RIDGE_PASTE2(a, b) a##b
#define RIDGE_PASTE(a, b) RIDGE_PASTE2(a, b)
#define RIDGE_VD RIDGE_PASTE(RIDGE_NAME, _vd)
#define RIDGE_VL RIDGE_PASTE(RIDGE_NAME, _vl)

typedef double RIDGE_VD __attribute__((vector_size(8 * RIDGE_LANES)));
typedef long long RIDGE_VL __attribute__((vector_size(8 * RIDGE_LANES)));

// A scalar in every lane (x − 0 is x exactly, so the subtraction folds away; x + 0 would not, for −0).
#define RIDGE_SPLAT(x) ((x) - (RIDGE_VD){0})
#define RIDGE_LOAD(pointer) __extension__({ RIDGE_VD v_; __builtin_memcpy(&v_, (pointer), sizeof v_); v_; })
#define RIDGE_STORE(pointer, value) __extension__({ RIDGE_VD v_ = (value); __builtin_memcpy((pointer), &v_, sizeof v_); })

// One vector of strengths' terms from their leverages and fitted values (a macro, not a
// function: vectors wider than the baseline's registers are not passed as arguments).
// `fresh`: the lanes whose strengths no earlier vector covered (all lanes but in the last,
// overlapping vector); only they add to the sums.
#define RIDGE_TERMS(leverage, fitted, t, w, c, loo, squares, looSums, residualSums, fresh)                         \
    do {                                                                                                           \
        const RIDGE_VD one_ = (RIDGE_VD){0} + 1.0, infinity_ = (RIDGE_VD){0} + __builtin_inf();                   \
        const RIDGE_VD denominator_ = one_ - (w) * ((leverage) + (c)), residual_ = (t) - (fitted);                 \
        const RIDGE_VD value_ = ((w) * residual_) * residual_;                                                     \
        /* 1/(1 − w·(h + c))² where the denominator is positive, +∞ elsewhere (a branch-free select). */         \
        const RIDGE_VL positive_ = denominator_ > 0;                                                               \
        const RIDGE_VD factor_ = (RIDGE_VD)(((RIDGE_VL)(one_ / (denominator_ * denominator_)) & positive_)         \
                                            | ((RIDGE_VL)infinity_ & ~positive_));                                \
        const RIDGE_VD term_ = value_ * factor_;                                                                   \
        RIDGE_STORE((loo), term_);                                                                                 \
        RIDGE_STORE((squares), value_);                                                                            \
        RIDGE_STORE((looSums), RIDGE_LOAD(looSums) + (RIDGE_VD)((RIDGE_VL)term_ & (fresh)));                       \
        RIDGE_STORE((residualSums), RIDGE_LOAD(residualSums) + (RIDGE_VD)((RIDGE_VL)value_ & (fresh)));            \
    } while (0)

static RIDGE_TARGET long RIDGE_NAME(long rows, long r, long m, const double *q, const double *t, const double *w,
                                    const double *d, const double *b, double c, double *loo, double *squares,
                                    double *looSums, double *residualSums) {
#pragma clang fp contract(off)
    const RIDGE_VL all = (RIDGE_VL){0} - 1;
    long positive = 0;
    for (long i = 0; i < rows; i++) {
        if (w && !(w[i] > 0)) {
            for (long a = 0; a < m; a++) loo[i * m + a] = squares[i * m + a] = 0;
        } else {
            positive++;
        }
    }
    // Strengths outside, rows inside: a group of strengths' columns of d and b (r × 4 vectors
    // each) stays in the first-level cache while every row passes through it. Each sum still
    // adds the rows in order.
    long a = 0;
    for (; a + 4 * RIDGE_LANES <= m; a += 4 * RIDGE_LANES) {
        for (long i = 0; i < rows; i++) {
            const double wi = w ? w[i] : 1.0;
            if (!(wi > 0)) continue;
            const double *qi = q + i * r, ti = t[i];
            double *rowLoo = loo + i * m + a, *rowSquares = squares + i * m + a;
            RIDGE_VD h0 = {0}, h1 = {0}, h2 = {0}, h3 = {0}, f0 = {0}, f1 = {0}, f2 = {0}, f3 = {0};
            for (long j = 0; j < r; j++) {
                const double qj = qi[j], square = qj * qj;
                const double *dj = d + j * m + a, *bj = b + j * m + a;
                h0 = __builtin_elementwise_fma(RIDGE_SPLAT(square), RIDGE_LOAD(dj), h0);
                h1 = __builtin_elementwise_fma(RIDGE_SPLAT(square), RIDGE_LOAD(dj + RIDGE_LANES), h1);
                h2 = __builtin_elementwise_fma(RIDGE_SPLAT(square), RIDGE_LOAD(dj + 2 * RIDGE_LANES), h2);
                h3 = __builtin_elementwise_fma(RIDGE_SPLAT(square), RIDGE_LOAD(dj + 3 * RIDGE_LANES), h3);
                f0 = __builtin_elementwise_fma(RIDGE_SPLAT(qj), RIDGE_LOAD(bj), f0);
                f1 = __builtin_elementwise_fma(RIDGE_SPLAT(qj), RIDGE_LOAD(bj + RIDGE_LANES), f1);
                f2 = __builtin_elementwise_fma(RIDGE_SPLAT(qj), RIDGE_LOAD(bj + 2 * RIDGE_LANES), f2);
                f3 = __builtin_elementwise_fma(RIDGE_SPLAT(qj), RIDGE_LOAD(bj + 3 * RIDGE_LANES), f3);
            }
            RIDGE_TERMS(h0, f0, ti, wi, c, rowLoo, rowSquares, looSums + a, residualSums + a, all);
            RIDGE_TERMS(h1, f1, ti, wi, c, rowLoo + RIDGE_LANES, rowSquares + RIDGE_LANES, looSums + a + RIDGE_LANES,
                        residualSums + a + RIDGE_LANES, all);
            RIDGE_TERMS(h2, f2, ti, wi, c, rowLoo + 2 * RIDGE_LANES, rowSquares + 2 * RIDGE_LANES,
                        looSums + a + 2 * RIDGE_LANES, residualSums + a + 2 * RIDGE_LANES, all);
            RIDGE_TERMS(h3, f3, ti, wi, c, rowLoo + 3 * RIDGE_LANES, rowSquares + 3 * RIDGE_LANES,
                        looSums + a + 3 * RIDGE_LANES, residualSums + a + 3 * RIDGE_LANES, all);
        }
    }
    // Then one vector at a time, the last one ending at m: its first lanes repeat strengths
    // already done (the same chains, so the same bits stored again) and only its new lanes add
    // to the sums. (A scalar tail would cost as much as the vectors: its chains are serial.)
    while (a < m && m >= RIDGE_LANES) {
        const long start = a + RIDGE_LANES <= m ? a : m - RIDGE_LANES;
        RIDGE_VL fresh;
        for (long lane = 0; lane < RIDGE_LANES; lane++) fresh[lane] = start + lane >= a ? -1 : 0;
        for (long i = 0; i < rows; i++) {
            const double wi = w ? w[i] : 1.0;
            if (!(wi > 0)) continue;
            const double *qi = q + i * r, ti = t[i];
            RIDGE_VD h = {0}, f = {0};
            for (long j = 0; j < r; j++) {
                const double qj = qi[j], square = qj * qj;
                h = __builtin_elementwise_fma(RIDGE_SPLAT(square), RIDGE_LOAD(d + j * m + start), h);
                f = __builtin_elementwise_fma(RIDGE_SPLAT(qj), RIDGE_LOAD(b + j * m + start), f);
            }
            RIDGE_TERMS(h, f, ti, wi, c, loo + i * m + start, squares + i * m + start, looSums + start, residualSums + start,
                        fresh);
        }
        a = start + RIDGE_LANES;
    }
    // Fewer strengths than lanes: one by one, in the same steps as a lane.
    for (; a < m; a++) {
        for (long i = 0; i < rows; i++) {
            const double wi = w ? w[i] : 1.0;
            if (!(wi > 0)) continue;
            double h = 0, f = 0;
            for (long j = 0; j < r; j++) {
                const double qj = q[i * r + j], square = qj * qj;
                h = __builtin_fma(square, d[j * m + a], h);
                f = __builtin_fma(qj, b[j * m + a], f);
            }
            const double denominator = 1.0 - wi * (h + c), residual = t[i] - f, value = (wi * residual) * residual;
            const double term = value * (denominator > 0 ? 1.0 / (denominator * denominator) : __builtin_inf());
            loo[i * m + a] = term;
            squares[i * m + a] = value;
            looSums[a] += term;
            residualSums[a] += value;
        }
    }
    return positive;
}

#undef RIDGE_STORE
#undef RIDGE_LOAD
#undef RIDGE_TERMS
#undef RIDGE_VL
#undef RIDGE_VD
#undef RIDGE_PASTE
#undef RIDGE_PASTE2
#undef RIDGE_NAME
