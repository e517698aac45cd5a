#include "baseline.h"
#include <cblas.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double baseline_epoch(const double *x, const double *y, long n, long p, long k, long batch,
                      double *theta, double *bias, double lr, double *r, double *g) {
    double start = now();
    for (long first = 0; first < n; first += batch) {
        long b = n - first < batch ? n - first : batch;
        const double *xb = x + first * p, *yb = y + first * k;
        for (long i = 0; i < b; i++)
            for (long o = 0; o < k; o++) r[i * k + o] = bias[o] - yb[i * k + o];
        if (k == 1) {
            cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)b, (int)p, 1.0, xb, (int)p, theta, 1, 1.0, r, 1);
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)b, (int)p, 1.0 / (double)b, xb, (int)p, r, 1, 0.0, g, 1);
        } else {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)k, (int)p, 1.0, xb, (int)p, theta, (int)k, 1.0, r, (int)k);
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)p, (int)k, (int)b, 1.0 / (double)b, xb, (int)p, r, (int)k, 0.0, g, (int)k);
        }
        for (long o = 0; o < k; o++) {
            double sum = 0;
            for (long i = 0; i < b; i++) sum += r[i * k + o];
            bias[o] -= lr * sum / (double)b;
        }
        for (long j = 0; j < p * k; j++) theta[j] -= lr * g[j];
    }
    return now() - start;
}

double read_pass(const double *x, long count, double *sink) {
    double start = now();
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        a0 += x[i]; a1 += x[i + 1]; a2 += x[i + 2]; a3 += x[i + 3];
        a4 += x[i + 4]; a5 += x[i + 5]; a6 += x[i + 6]; a7 += x[i + 7];
    }
    for (; i < count; i++) a0 += x[i];
    *sink = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    return now() - start;
}

double baseline_fused_epoch(const double *x, const double *y, long n, long p, long batch,
                            double *theta, double *bias, double lr, double *g) {
    double start = now();
    for (long first = 0; first < n; first += batch) {
        long b = n - first < batch ? n - first : batch;
        double gb = 0;
        for (long j = 0; j < p; j++) g[j] = 0;
        for (long i = first; i < first + b; i++) {
            const double *row = x + i * p;
            double h = *bias;
            for (long j = 0; j < p; j++) h += row[j] * theta[j];
            double r = h - y[i];
            gb += r;
            for (long j = 0; j < p; j++) g[j] += r * row[j];
        }
        double step = lr / (double)b;
        for (long j = 0; j < p; j++) theta[j] -= step * g[j];
        *bias -= step * gb;
    }
    return now() - start;
}
