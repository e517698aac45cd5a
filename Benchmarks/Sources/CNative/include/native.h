#ifndef MINIBATCHGD_NATIVE_H
#define MINIBATCHGD_NATIVE_H

/// The ceilings of a training pass on this machine, compiled with -march=native (the CPU's own
/// vector width, which a library cannot assume) and run on `threads` threads, each over its own
/// contiguous share of the rows, with no synchronization but the final join.

/// The naive fused loop of baseline_fused_epoch (one output) over all n rows as one batch:
/// per row h = c + x·θ, r = h − y, g += r·x. Returns the seconds taken (CLOCK_MONOTONIC).
double native_fused_pass(const double *x, const double *y, long n, long p, const double *theta, double bias,
                         int threads);

/// The same loop on float rows (computed in float, as -march=native C would write it).
double native_fused_pass_float(const float *x, const float *y, long n, long p, const float *theta, float bias,
                               int threads);

/// Reads `count` doubles once, split over `threads` threads; returns the seconds taken.
double native_read_pass(const double *x, long count, int threads);

#endif
