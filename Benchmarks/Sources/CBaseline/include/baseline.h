#ifndef MINIBATCHGD_BASELINE_H
#define MINIBATCHGD_BASELINE_H

/// One epoch of mini-batch gradient descent in plain C, the loop MiniBatchGD runs:
/// rows in order, mean reduction, per batch r = X_b·θ + c − y_b and g = X_bᵀ r / b
/// (two cblas_dgemv for one output, two cblas_dgemm for several), then θ −= lr·g, c −= lr·mean(r).
/// All buffers are preallocated by the caller: r holds batch·k values, g holds p·k.
/// Returns the seconds spent (CLOCK_MONOTONIC).
double baseline_epoch(const double *x, const double *y, long n, long p, long k, long batch,
                      double *theta, double *bias, double lr, double *r, double *g);

/// The same epoch for one output written as the naive fused loop (no BLAS): per row
/// h = c + x·θ, r = h − y, g += r·x, then one update per batch. The yardstick for the fixed
/// cost of a step at small batches.
double baseline_fused_epoch(const double *x, const double *y, long n, long p, long batch,
                            double *theta, double *bias, double lr, double *g);

/// Reads `count` doubles once (summing them so the reads cannot be optimized away) and returns
/// the seconds taken: the memory-bandwidth yardstick for a pass over the data.
double read_pass(const double *x, long count, double *sink);

#endif
