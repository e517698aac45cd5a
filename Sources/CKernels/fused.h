// The fused single-output kernel, written once and compiled once per vector width and element
// type: kernels.c includes this file with
//   FUSED_NAME    the function to define,
//   FUSED_DATA    the element type of X and Y (double or float),
//   FUSED_LANES   doubles per vector,
//   FUSED_TARGET  the target attribute of the variant (empty for the portable one).
// Everything is computed in double; float rows are widened lane by lane as they are read.

#define FUSED_PASTE2(a, b) a##b
#define FUSED_PASTE(a, b) FUSED_PASTE2(a, b)
#define FUSED_VD FUSED_PASTE(FUSED_NAME, _vd)
#define FUSED_VT FUSED_PASTE(FUSED_NAME, _vt)
#define FUSED_BODY FUSED_PASTE(FUSED_NAME, _body)

typedef double FUSED_VD __attribute__((vector_size(8 * FUSED_LANES)));
typedef FUSED_DATA FUSED_VT __attribute__((vector_size(sizeof(FUSED_DATA) * FUSED_LANES)));

// Inlined twice below, once with omega NULL, so the unweighted pass has no multiplication by 1.
static inline __attribute__((always_inline)) FUSED_TARGET double FUSED_BODY(
    long rows, long p, const FUSED_DATA *x, long ldx, const FUSED_DATA *y, long ldy,
    const double *omega, const double *w, double offset, double alpha, int accumulate,
    double *g, double *gc) {
    const long chunks = p / FUSED_LANES, tail = chunks * FUSED_LANES;
    if (!accumulate)
        for (long j = 0; j < p; j++) g[j] = 0;
    double squares = 0, sum = 0;
    for (long i = 0; i < rows; i++) {
        const FUSED_DATA *row = x + i * ldx;
        FUSED_VD dot = {0};
        for (long c = 0; c < chunks; c++) {
            FUSED_VT data;
            FUSED_VD weights;
            __builtin_memcpy(&data, row + c * FUSED_LANES, sizeof data);
            __builtin_memcpy(&weights, w + c * FUSED_LANES, sizeof weights);
            dot += __builtin_convertvector(data, FUSED_VD) * weights;
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
            FUSED_VT data;
            FUSED_VD gradient;
            __builtin_memcpy(&data, row + c * FUSED_LANES, sizeof data);
            __builtin_memcpy(&gradient, g + c * FUSED_LANES, sizeof gradient);
            gradient += scaled * __builtin_convertvector(data, FUSED_VD);
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
#undef FUSED_VT
#undef FUSED_VD
#undef FUSED_PASTE
#undef FUSED_PASTE2
#undef FUSED_NAME
#undef FUSED_DATA
