// The fused single-output kernel for the losses other than squares (Huber, epsilon-insensitive,
// squared epsilon-insensitive, quantile), written once and compiled once per vector width and
// element type: kernels.c includes this file with
//   LOSS_NAME    the function to define,
//   LOSS_DATA    the element type of X and Y (double or float),
//   LOSS_TARGET  the target attribute of the variant (empty for the portable one).
// One pass over the rows: r = x·w + offset − y, then ℓ(r) and ℓ′(r) (loss_terms below), the
// cost Σωℓ(r) returned and α·Σωℓ′(r)·x added to g, α·Σωℓ′(r) to *gc.
//
// Unlike fused.h, every width takes the same steps: each dot product runs as eight partial sums
// (one vector of eight doubles, which the compiler splits into two AVX2 or four SSE2 registers)
// added lane 0 to 7, then the offset, then the tail's products in order; no multiply-add is
// fused (contract off). So every variant gives the same bits, which the tests check.

#define LOSS_PASTE2(a, b) a##b
#define LOSS_PASTE(a, b) LOSS_PASTE2(a, b)
#define LOSS_VT LOSS_PASTE(LOSS_NAME, _vt)
#define LOSS_BODY LOSS_PASTE(LOSS_NAME, _body)

typedef LOSS_DATA LOSS_VT __attribute__((vector_size(sizeof(LOSS_DATA) * 8)));

// x[0..<8] of a row as eight doubles (float rows widened, exactly).
#define LOSS_LOAD(pointer) __extension__({ \
    LOSS_VT data_; \
    __builtin_memcpy(&data_, (pointer), sizeof data_); \
    __builtin_convertvector(data_, loss_lanes); \
})

// Rows per block, as in fused.h: independent dot products, one pass over g per block.
#define LOSS_BLOCK 4

#define LOSS_PREFETCH(target) do { \
    if (ahead > 0 && (target) < rows) { \
        const char *line_ = (const char *)(x + (target) * ldx); \
        for (long byte_ = 0; byte_ < rowBytes; byte_ += 64) __builtin_prefetch(line_ + byte_); \
    } \
} while (0)

// Inlined once per loss and per weighting (omega NULL or not), so each loop has its loss's
// arithmetic and no branch on the loss.
static inline __attribute__((always_inline)) LOSS_TARGET double LOSS_BODY(
    const int loss, const double parameter, long rows, long p, const LOSS_DATA *x, long ldx, const LOSS_DATA *y,
    long ldy, const double *omega, const double *w, double offset, double alpha, int accumulate, double *g, double *gc,
    long ahead) {
#pragma clang fp contract(off)
    const long chunks = p / 8, tail = chunks * 8;
    const long rowBytes = p * (long)sizeof(LOSS_DATA);
    const long stride = ldx > 0 ? ldx * (long)sizeof(LOSS_DATA) : 1;
    const long aheadRows = ahead > 0 ? (ahead + stride - 1) / stride : 0;
    if (!accumulate)
        for (long j = 0; j < p; j++) g[j] = 0;
    double cost = 0, sum = 0;
    long i = 0;
    for (; i + LOSS_BLOCK <= rows; i += LOSS_BLOCK) {
        const LOSS_DATA *block = x + i * ldx;
        for (int b = 0; b < LOSS_BLOCK; b++) LOSS_PREFETCH(i + b + aheadRows);
        loss_lanes dots[LOSS_BLOCK];
        for (int b = 0; b < LOSS_BLOCK; b++) dots[b] = (loss_lanes){0};
        for (long c = 0; c < chunks; c++) {
            loss_lanes weights;
            __builtin_memcpy(&weights, w + c * 8, sizeof weights);
            for (int b = 0; b < LOSS_BLOCK; b++) dots[b] += LOSS_LOAD(block + b * ldx + c * 8) * weights;
        }
        double scaled[LOSS_BLOCK];
        for (int b = 0; b < LOSS_BLOCK; b++) {
            const LOSS_DATA *row = block + b * ldx;
            double h = 0;
            for (int lane = 0; lane < 8; lane++) h += dots[b][lane];
            h += offset;
            for (long j = tail; j < p; j++) h += (double)row[j] * w[j];
            double value;
            const double derivative = loss_terms(loss, parameter, h - (double)y[(i + b) * ldy], &value);
            const double weighted = omega ? omega[i + b] * derivative : derivative;
            cost += omega ? omega[i + b] * value : value;
            sum += weighted;
            scaled[b] = alpha * weighted;
        }
        for (long c = 0; c < chunks; c++) {
            loss_lanes gradient;
            __builtin_memcpy(&gradient, g + c * 8, sizeof gradient);
            for (int b = 0; b < LOSS_BLOCK; b++) gradient += scaled[b] * LOSS_LOAD(block + b * ldx + c * 8);
            __builtin_memcpy(g + c * 8, &gradient, sizeof gradient);
        }
        for (long j = tail; j < p; j++) {
            double gj = g[j];
            for (int b = 0; b < LOSS_BLOCK; b++) gj += scaled[b] * (double)block[b * ldx + j];
            g[j] = gj;
        }
    }
    for (; i < rows; i++) {
        const LOSS_DATA *row = x + i * ldx;
        LOSS_PREFETCH(i + aheadRows);
        loss_lanes dot = {0};
        for (long c = 0; c < chunks; c++) {
            loss_lanes weights;
            __builtin_memcpy(&weights, w + c * 8, sizeof weights);
            dot += LOSS_LOAD(row + c * 8) * weights;
        }
        double h = 0;
        for (int lane = 0; lane < 8; lane++) h += dot[lane];
        h += offset;
        for (long j = tail; j < p; j++) h += (double)row[j] * w[j];
        double value;
        const double derivative = loss_terms(loss, parameter, h - (double)y[i * ldy], &value);
        const double weighted = omega ? omega[i] * derivative : derivative;
        cost += omega ? omega[i] * value : value;
        sum += weighted;
        const double scaled = alpha * weighted;
        for (long c = 0; c < chunks; c++) {
            loss_lanes gradient;
            __builtin_memcpy(&gradient, g + c * 8, sizeof gradient);
            gradient += scaled * LOSS_LOAD(row + c * 8);
            __builtin_memcpy(g + c * 8, &gradient, sizeof gradient);
        }
        for (long j = tail; j < p; j++) g[j] += scaled * (double)row[j];
    }
    *gc = (accumulate ? *gc : 0) + alpha * sum;
    return cost;
}

// One instance of the body per loss and weighting, the loss a constant in each.
#define LOSS_WEIGHTED(code)                                                                                         \
    (omega ? LOSS_BODY(code, parameter, rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc, ahead) \
           : LOSS_BODY(code, parameter, rows, p, x, ldx, y, ldy, NULL, w, offset, alpha, accumulate, g, gc, ahead))

LOSS_TARGET static double LOSS_NAME(
    MBGDLoss loss, double parameter, long rows, long p, const LOSS_DATA *x, long ldx, const LOSS_DATA *y, long ldy,
    const double *omega, const double *w, double offset, double alpha, int accumulate, double *g, double *gc, long ahead) {
    switch (loss) {
    case MBGDLossHuber: return LOSS_WEIGHTED(MBGDLossHuber);
    case MBGDLossEpsilonInsensitive: return LOSS_WEIGHTED(MBGDLossEpsilonInsensitive);
    case MBGDLossSquaredEpsilonInsensitive: return LOSS_WEIGHTED(MBGDLossSquaredEpsilonInsensitive);
    case MBGDLossQuantile: return LOSS_WEIGHTED(MBGDLossQuantile);
    }
    return __builtin_nan("");
}

#undef LOSS_WEIGHTED
#undef LOSS_BODY
#undef LOSS_PREFETCH
#undef LOSS_BLOCK
#undef LOSS_LOAD
#undef LOSS_VT
#undef LOSS_PASTE
#undef LOSS_PASTE2
#undef LOSS_NAME
#undef LOSS_DATA
