// The fused single-output kernel, written once and compiled once per vector width and element
// type: kernels.c includes this file with
//   FUSED_NAME    the function to define,
//   FUSED_DATA    the element type of X and Y (double or float),
//   FUSED_LANES   doubles per vector,
//   FUSED_TARGET  the target attribute of the variant (empty for the portable one),
//   FUSED_PAIRS   1 to take rows in pairs (float rows), 0 to take them one by one (double rows).
// Everything is computed in double; float rows are widened lane by lane as they are read.

#define FUSED_PASTE2(a, b) a##b
#define FUSED_PASTE(a, b) FUSED_PASTE2(a, b)
#define FUSED_VD FUSED_PASTE(FUSED_NAME, _vd)
#define FUSED_VT FUSED_PASTE(FUSED_NAME, _vt)
#define FUSED_BODY FUSED_PASTE(FUSED_NAME, _body)

typedef double FUSED_VD __attribute__((vector_size(8 * FUSED_LANES)));
typedef FUSED_DATA FUSED_VT __attribute__((vector_size(sizeof(FUSED_DATA) * FUSED_LANES)));

// x[0..<FUSED_LANES] of a row as a vector of doubles (float rows widened, exactly).
#define FUSED_LOAD(pointer) __extension__({ \
    FUSED_VT data_; \
    __builtin_memcpy(&data_, (pointer), sizeof data_); \
    __builtin_convertvector(data_, FUSED_VD); \
})

// Inlined twice below, once with omega NULL, so the unweighted pass has no multiplication by 1.
// With FUSED_PAIRS, rows go in pairs: the two dot products interleave (four independent chains
// of multiply-adds instead of one, so the adds' latency is hidden) and one pass over g adds both
// rows' gradient terms (half the loads and stores of g); a last odd row goes alone. Float rows,
// half the bytes, are bound by this arithmetic: pairs run them 1.2x faster on two threads
// (1M x 32, AVX2, 2026-11-30). Double rows are bound by memory, and pairs ran them slower there
// (batch 2048: 3.1-3.2e7 rows/s against 3.7-4.0e7), so they go one by one.
static inline __attribute__((always_inline)) FUSED_TARGET double FUSED_BODY(
    long rows, long p, const FUSED_DATA *x, long ldx, const FUSED_DATA *y, long ldy,
    const double *omega, const double *w, double offset, double alpha, int accumulate,
    double *g, double *gc) {
    const long chunks = p / FUSED_LANES, tail = chunks * FUSED_LANES;
    if (!accumulate)
        for (long j = 0; j < p; j++) g[j] = 0;
    double squares = 0, sum = 0;
    long i = 0;
#if FUSED_PAIRS
    for (; i + 1 < rows; i += 2) {
        const FUSED_DATA *row0 = x + i * ldx, *row1 = row0 + ldx;
        FUSED_VD dot0a = {0}, dot0b = {0}, dot1a = {0}, dot1b = {0};
        long c = 0;
        for (; c + 1 < chunks; c += 2) {
            FUSED_VD weightsA, weightsB;
            __builtin_memcpy(&weightsA, w + c * FUSED_LANES, sizeof weightsA);
            __builtin_memcpy(&weightsB, w + (c + 1) * FUSED_LANES, sizeof weightsB);
            dot0a += FUSED_LOAD(row0 + c * FUSED_LANES) * weightsA;
            dot0b += FUSED_LOAD(row0 + (c + 1) * FUSED_LANES) * weightsB;
            dot1a += FUSED_LOAD(row1 + c * FUSED_LANES) * weightsA;
            dot1b += FUSED_LOAD(row1 + (c + 1) * FUSED_LANES) * weightsB;
        }
        if (c < chunks) {
            FUSED_VD weightsA;
            __builtin_memcpy(&weightsA, w + c * FUSED_LANES, sizeof weightsA);
            dot0a += FUSED_LOAD(row0 + c * FUSED_LANES) * weightsA;
            dot1a += FUSED_LOAD(row1 + c * FUSED_LANES) * weightsA;
        }
        const FUSED_VD dot0 = dot0a + dot0b, dot1 = dot1a + dot1b;
        double h0 = 0, h1 = 0;
        for (int lane = 0; lane < FUSED_LANES; lane++) {
            h0 += dot0[lane];
            h1 += dot1[lane];
        }
        h0 += offset;
        h1 += offset;
        for (long j = tail; j < p; j++) {
            h0 += (double)row0[j] * w[j];
            h1 += (double)row1[j] * w[j];
        }
        const double r0 = h0 - (double)y[i * ldy], r1 = h1 - (double)y[(i + 1) * ldy];
        const double weighted0 = omega ? omega[i] * r0 : r0, weighted1 = omega ? omega[i + 1] * r1 : r1;
        squares += weighted0 * r0;
        squares += weighted1 * r1;
        sum += weighted0;
        sum += weighted1;
        const double scaled0 = alpha * weighted0, scaled1 = alpha * weighted1;
        for (long c = 0; c < chunks; c++) {
            FUSED_VD gradient;
            __builtin_memcpy(&gradient, g + c * FUSED_LANES, sizeof gradient);
            gradient += scaled0 * FUSED_LOAD(row0 + c * FUSED_LANES) + scaled1 * FUSED_LOAD(row1 + c * FUSED_LANES);
            __builtin_memcpy(g + c * FUSED_LANES, &gradient, sizeof gradient);
        }
        for (long j = tail; j < p; j++) g[j] += scaled0 * (double)row0[j] + scaled1 * (double)row1[j];
    }
#endif
    for (; i < rows; i++) {
        const FUSED_DATA *row = x + i * ldx;
        FUSED_VD dot = {0};
        for (long c = 0; c < chunks; c++) {
            FUSED_VD weights;
            __builtin_memcpy(&weights, w + c * FUSED_LANES, sizeof weights);
            dot += FUSED_LOAD(row + c * FUSED_LANES) * weights;
        }
        double h = 0;
        for (int lane = 0; lane < FUSED_LANES; lane++) h += dot[lane];
        h += offset;
        for (long j = tail; j < p; j++) h += (double)row[j] * w[j];
        const double r = h - (double)y[i * ldy];
        const double weighted = omega ? omega[i] * r : r;
        squares += weighted * r;
        sum += weighted;
        const double scaled = alpha * weighted;
        for (long c = 0; c < chunks; c++) {
            FUSED_VD gradient;
            __builtin_memcpy(&gradient, g + c * FUSED_LANES, sizeof gradient);
            gradient += scaled * FUSED_LOAD(row + c * FUSED_LANES);
            __builtin_memcpy(g + c * FUSED_LANES, &gradient, sizeof gradient);
        }
        for (long j = tail; j < p; j++) g[j] += scaled * (double)row[j];
    }
    *gc = (accumulate ? *gc : 0) + alpha * sum;
    return 0.5 * squares;
}

FUSED_TARGET static double FUSED_NAME(
    long rows, long p, const FUSED_DATA *x, long ldx, const FUSED_DATA *y, long ldy,
    const double *omega, const double *w, double offset, double alpha, int accumulate,
    double *g, double *gc) {
    if (omega)
        return FUSED_BODY(rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc);
    return FUSED_BODY(rows, p, x, ldx, y, ldy, NULL, w, offset, alpha, accumulate, g, gc);
}

#undef FUSED_BODY
#undef FUSED_LOAD
#undef FUSED_VT
#undef FUSED_VD
#undef FUSED_PASTE
#undef FUSED_PASTE2
#undef FUSED_NAME
#undef FUSED_DATA
#undef FUSED_PAIRS
