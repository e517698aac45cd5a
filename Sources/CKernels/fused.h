// The fused single-output kernel, written once and compiled once per vector width and element
// type: kernels.c includes this file with
//   FUSED_NAME    the function to define,
//   FUSED_DATA    the element type of X and Y (double or float),
//   FUSED_LANES   doubles per vector,
//   FUSED_TARGET  the target attribute of the variant (empty for the portable one),
//   FUSED_SIDE_BY_SIDE  1 to read a block's rows side by side in its dot products (float rows),
//                 0 to read them one after another (double rows); the arithmetic is the same.
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

// Rows per block: the block's dot products run as independent chains of multiply-adds (one
// per row, so the adds' latency is hidden) and one pass over g adds the block's gradient terms
// (a quarter of the loads and stores of g). A row's arithmetic is the same in a block and
// alone, and float rows take the same steps as double rows of the same values.
#define FUSED_BLOCK 4

// Asks for row `target` of x, if the run has it, `ahead` bytes before it is read: rows streamed
// from memory arrive faster asked for than found by the hardware's prefetcher alone (the kernel
// alone over 1M x 32 rows on two threads: float 7-8e7 rows/s became 1.1-1.2e8, double 4-5e7
// became 6e7, AVX2, 2026-11-30). It costs instructions when the rows sit in cache, so callers pass ahead = 0
// when they do. A prefetch never faults; the bound keeps the address arithmetic in the run.
#define FUSED_PREFETCH(target) do { \
    if (ahead > 0 && (target) < rows) { \
        const char *line_ = (const char *)(x + (target) * ldx); \
        for (long byte_ = 0; byte_ < rowBytes; byte_ += 64) __builtin_prefetch(line_ + byte_); \
    } \
} while (0)

// Inlined twice below, once with omega NULL, so the unweighted pass has no multiplication by 1.
static inline __attribute__((always_inline)) FUSED_TARGET double FUSED_BODY(
    long rows, long p, const FUSED_DATA *x, long ldx, const FUSED_DATA *y, long ldy,
    const double *omega, const double *w, double offset, double alpha, int accumulate,
    double *g, double *gc, long ahead) {
    const long chunks = p / FUSED_LANES, tail = chunks * FUSED_LANES;
    const long rowBytes = p * (long)sizeof(FUSED_DATA);
    const long stride = ldx > 0 ? ldx * (long)sizeof(FUSED_DATA) : 1;
    const long aheadRows = ahead > 0 ? (ahead + stride - 1) / stride : 0;
    if (!accumulate)
        for (long j = 0; j < p; j++) g[j] = 0;
    double squares = 0, sum = 0;
    long i = 0;
    for (; i + FUSED_BLOCK <= rows; i += FUSED_BLOCK) {
        const FUSED_DATA *block = x + i * ldx;
        for (int b = 0; b < FUSED_BLOCK; b++) FUSED_PREFETCH(i + b + aheadRows);
        FUSED_VD dots[FUSED_BLOCK];
        for (int b = 0; b < FUSED_BLOCK; b++) dots[b] = (FUSED_VD){0};
#if FUSED_SIDE_BY_SIDE
        // One load of w for the block's rows. Double rows, read so, were slower from memory
        // without the prefetches (100k x 64, runs of 32 rows: 0.9e7 rows/s against 1.4e7), and
        // no faster with them; float rows gained (1M x 32, runs of 2048: 6.3-7.0e7 rows/s
        // against 6.0-6.2e7 one after another). AVX2, 2026-11-30.
        for (long c = 0; c < chunks; c++) {
            FUSED_VD weights;
            __builtin_memcpy(&weights, w + c * FUSED_LANES, sizeof weights);
            for (int b = 0; b < FUSED_BLOCK; b++) dots[b] += FUSED_LOAD(block + b * ldx + c * FUSED_LANES) * weights;
        }
#else
        for (int b = 0; b < FUSED_BLOCK; b++)
            for (long c = 0; c < chunks; c++) {
                FUSED_VD weights;
                __builtin_memcpy(&weights, w + c * FUSED_LANES, sizeof weights);
                dots[b] += FUSED_LOAD(block + b * ldx + c * FUSED_LANES) * weights;
            }
#endif
        double scaled[FUSED_BLOCK];
        for (int b = 0; b < FUSED_BLOCK; b++) {
            const FUSED_DATA *row = block + b * ldx;
            double h = 0;
            for (int lane = 0; lane < FUSED_LANES; lane++) h += dots[b][lane];
            h += offset;
            for (long j = tail; j < p; j++) h += (double)row[j] * w[j];
            const double r = h - (double)y[(i + b) * ldy];
            const double weighted = omega ? omega[i + b] * r : r;
            squares += weighted * r;
            sum += weighted;
            scaled[b] = alpha * weighted;
        }
        for (long c = 0; c < chunks; c++) {
            FUSED_VD gradient;
            __builtin_memcpy(&gradient, g + c * FUSED_LANES, sizeof gradient);
            for (int b = 0; b < FUSED_BLOCK; b++) gradient += scaled[b] * FUSED_LOAD(block + b * ldx + c * FUSED_LANES);
            __builtin_memcpy(g + c * FUSED_LANES, &gradient, sizeof gradient);
        }
        for (long j = tail; j < p; j++) {
            double gj = g[j];
            for (int b = 0; b < FUSED_BLOCK; b++) gj += scaled[b] * (double)block[b * ldx + j];
            g[j] = gj;
        }
    }
    for (; i < rows; i++) {
        const FUSED_DATA *row = x + i * ldx;
        FUSED_PREFETCH(i + aheadRows);
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
    double *g, double *gc, long ahead) {
    if (omega)
        return FUSED_BODY(rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc, ahead);
    return FUSED_BODY(rows, p, x, ldx, y, ldy, NULL, w, offset, alpha, accumulate, g, gc, ahead);
}

#undef FUSED_BODY
#undef FUSED_PREFETCH
#undef FUSED_BLOCK
#undef FUSED_LOAD
#undef FUSED_VT
#undef FUSED_VD
#undef FUSED_PASTE
#undef FUSED_PASTE2
#undef FUSED_NAME
#undef FUSED_DATA
#undef FUSED_SIDE_BY_SIDE
