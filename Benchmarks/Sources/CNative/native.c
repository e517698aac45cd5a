#include "native.h"
#include <pthread.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

enum { MAX_THREADS = 64, MAX_FEATURES = 1024 };

typedef struct {
    const void *x, *y, *theta;
    long first, count, p;
    double bias, result;
    int isFloat;
} Share;

static void *fused_share(void *argument) {
    Share *s = argument;
    double g[MAX_FEATURES] = {0}, gb = 0;
    if (s->isFloat) {
        const float *x = s->x, *y = s->y, *theta = s->theta;
        float gf[MAX_FEATURES] = {0}, gbf = 0, bias = (float)s->bias;
        for (long i = s->first; i < s->first + s->count; i++) {
            const float *row = x + i * s->p;
            float h = bias;
            for (long j = 0; j < s->p; j++) h += row[j] * theta[j];
            float r = h - y[i];
            gbf += r;
            for (long j = 0; j < s->p; j++) gf[j] += r * row[j];
        }
        for (long j = 0; j < s->p; j++) g[j] = gf[j];
        gb = gbf;
    } else {
        const double *x = s->x, *y = s->y, *theta = s->theta;
        for (long i = s->first; i < s->first + s->count; i++) {
            const double *row = x + i * s->p;
            double h = s->bias;
            for (long j = 0; j < s->p; j++) h += row[j] * theta[j];
            double r = h - y[i];
            gb += r;
            for (long j = 0; j < s->p; j++) g[j] += r * row[j];
        }
    }
    double sum = gb;
    for (long j = 0; j < s->p; j++) sum += g[j];
    s->result = sum;
    return 0;
}

static void *read_share(void *argument) {
    Share *s = argument;
    const double *x = s->x;
    double a[8] = {0};
    long i = s->first, end = s->first + s->count;
    for (; i + 8 <= end; i += 8)
        for (int k = 0; k < 8; k++) a[k] += x[i + k];
    for (; i < end; i++) a[0] += x[i];
    s->result = a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7];
    return 0;
}

static double run(void *(*body)(void *), Share base, long n, int threads) {
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    Share shares[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    double start = now();
    for (int t = 0; t < threads; t++) {
        shares[t] = base;
        shares[t].first = n * t / threads;
        shares[t].count = n * (t + 1) / threads - shares[t].first;
        if (t > 0) pthread_create(&ids[t], 0, body, &shares[t]);
    }
    body(&shares[0]);
    for (int t = 1; t < threads; t++) pthread_join(ids[t], 0);
    double seconds = now() - start;
    // Keeps the sums observable so no pass is optimized away.
    volatile double sink = 0;
    for (int t = 0; t < threads; t++) sink += shares[t].result;
    (void)sink;
    return seconds;
}

double native_fused_pass(const double *x, const double *y, long n, long p, const double *theta, double bias,
                         int threads) {
    if (p > MAX_FEATURES) return -1;
    Share base = {x, y, theta, 0, 0, p, bias, 0, 0};
    return run(fused_share, base, n, threads);
}

double native_fused_pass_float(const float *x, const float *y, long n, long p, const float *theta, float bias,
                               int threads) {
    if (p > MAX_FEATURES) return -1;
    Share base = {x, y, theta, 0, 0, p, bias, 0, 1};
    return run(fused_share, base, n, threads);
}

double native_read_pass(const double *x, long count, int threads) {
    Share base = {x, 0, 0, 0, 0, 0, 0, 0, 0};
    return run(read_share, base, count, threads);
}
