// The naive batch-1 SGD loop over CSR arrays that the sparse descent is measured against: an
// intercept, no penalty, rows in order, a constant rate, one epoch per pass; no scaling, no
// checks. Reads the arrays that compare_sparse.py writes (raw little-endian files).
//   cc -O3 -march=native naive_sgd.c -o naive_sgd && ./naive_sgd DIR RATE EPOCHS
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: naive_sgd DIR RATE EPOCHS\n"); return 2; }
    long b1, b2, b3, b4;
    long *indptr = load(argv[1], "indptr.i64", &b1);
    int *indices = load(argv[1], "indices.i32", &b2);
    double *data = load(argv[1], "data.f64", &b3);
    double *y = load(argv[1], "y.f64", &b4);
    long n = b4 / 8, p = 0;
    for (long e = 0; e < b2 / 4; e++) if (indices[e] + 1 > p) p = indices[e] + 1;
    double rate = atof(argv[2]);
    int epochs = atoi(argv[3]);
    double *w = calloc(p, sizeof *w), c = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int epoch = 0; epoch < epochs; epoch++) {
        for (long i = 0; i < n; i++) {
            double r = c - y[i];
            for (long e = indptr[i]; e < indptr[i + 1]; e++) r += data[e] * w[indices[e]];
            for (long e = indptr[i]; e < indptr[i + 1]; e++) w[indices[e]] -= rate * r * data[e];
            c -= rate * r;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    double check = c;
    for (long j = 0; j < p; j++) check += w[j];
    printf("%.6f seconds per epoch, %.0f rows/s (checksum %.6g)\n", seconds / epochs, n * epochs / seconds, check);
    return 0;
}
