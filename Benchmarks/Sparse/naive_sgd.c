// The naive loops over CSR arrays that the sparse descent is measured against, on the raw
// little-endian arrays that compare_sparse.py writes (indptr.i64, indices.i32, data.f64, y.f64);
// no scaling, no checks.
//
//   cc -O3 -march=native naive_sgd.c -o naive_sgd
//   ./naive_sgd DIR RATE EPOCHS [BATCH]   SGD with an intercept, no penalty, rows in order, a
//                                         constant rate; BATCH > 1 takes the batch's mean
//                                         gradient (every residual from the same weights, then
//                                         one scatter), as mbgd's mini-batches do
//   ./naive_sgd DIR read PASSES           a read pass: the sum of every value and every column
//                                         index (and the targets), the least an epoch must touch
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *load(const char *dir, const char *name, long *bytes) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    *bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc(*bytes);
    if (fread(data, 1, *bytes, f) != (size_t)*bytes) { perror(path); exit(1); }
    fclose(f);
    return data;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: naive_sgd DIR RATE EPOCHS [BATCH] | naive_sgd DIR read PASSES\n");
        return 2;
    }
    long b1, b2, b3, b4;
    long *indptr = load(argv[1], "indptr.i64", &b1);
    int *indices = load(argv[1], "indices.i32", &b2);
    double *data = load(argv[1], "data.f64", &b3);
    double *y = load(argv[1], "y.f64", &b4);
    long n = b4 / 8, nnz = b2 / 4, p = 0;
    int epochs = atoi(argv[3]);
    if (strcmp(argv[2], "read") == 0) {
        // Four sums, so that the pass runs at memory speed rather than at one addition's latency.
        double s[4] = {0, 0, 0, 0}, sum = 0;
        long columns = 0;
        double t0 = now();
        for (int pass = 0; pass < epochs; pass++) {
            for (long i = 0; i < n; i++) sum += y[i];
            long e = 0;
            for (; e + 4 <= nnz; e += 4) {
                for (int k = 0; k < 4; k++) { s[k] += data[e + k]; columns += indices[e + k]; }
            }
            for (; e < nnz; e++) { sum += data[e]; columns += indices[e]; }
        }
        double seconds = now() - t0;
        sum += s[0] + s[1] + s[2] + s[3];
        printf("%.6f seconds per pass, %.0f rows/s (checksum %.6g %ld)\n", seconds / epochs, n * epochs / seconds, sum, columns);
        return 0;
    }
    for (long e = 0; e < nnz; e++) if (indices[e] + 1 > p) p = indices[e] + 1;
    double rate = atof(argv[2]);
    long batch = argc == 5 ? atol(argv[4]) : 1;
    if (batch < 1) { fprintf(stderr, "naive_sgd: BATCH must be at least 1\n"); return 2; }
    double *w = calloc(p, sizeof *w), *r = malloc(batch * sizeof *r), c = 0;
    double t0 = now();
    for (int epoch = 0; epoch < epochs; epoch++) {
        if (batch == 1) {
            for (long i = 0; i < n; i++) {
                double ri = c - y[i];
                for (long e = indptr[i]; e < indptr[i + 1]; e++) ri += data[e] * w[indices[e]];
                for (long e = indptr[i]; e < indptr[i + 1]; e++) w[indices[e]] -= rate * ri * data[e];
                c -= rate * ri;
            }
            continue;
        }
        for (long start = 0; start < n; start += batch) {
            long end = start + batch < n ? start + batch : n;
            double step = rate / (end - start), mean = 0;
            for (long i = start; i < end; i++) {
                double ri = c - y[i];
                for (long e = indptr[i]; e < indptr[i + 1]; e++) ri += data[e] * w[indices[e]];
                r[i - start] = ri;
                mean += ri;
            }
            for (long i = start; i < end; i++)
                for (long e = indptr[i]; e < indptr[i + 1]; e++) w[indices[e]] -= step * r[i - start] * data[e];
            c -= step * mean;
        }
    }
    double seconds = now() - t0;
    double check = c;
    for (long j = 0; j < p; j++) check += w[j];
    printf("%.6f seconds per epoch, %.0f rows/s (checksum %.6g)\n", seconds / epochs, n * epochs / seconds, check);
    return 0;
}
