/*
 * minibatchgd.h: the C interface of MiniBatchGD (libminibatchgd).
 *
 * Linear regression trained by mini-batch gradient descent on BLAS and checked against the
 * exact least-squares solution, for programs in C and anything that calls C (C++, Rust, Julia,
 * Python's ctypes). This header is the contract: the Swift implementation is compiled against it
 * (`@c @implementation`), so a function whose types differ from its declaration here does not
 * build.
 *
 * CONVENTIONS
 *
 * Every function that can fail returns an int status from mbgd_status: MBGD_OK (0) or an error
 * code. On an error, mbgd_last_error() holds a message saying what was wrong, where, and what to
 * do, and nothing the call would have written is written (a model keeps its parameters). No
 * error, trap or exception crosses into the caller: null pointers, sizes, strides, overflowing
 * products and NaN or infinite values are checked before any work. Results go into buffers the
 * caller owns, with their length in elements passed alongside; too small a buffer is an
 * MBGD_INVALID_ARGUMENT.
 *
 * Objects are opaque handles made by a mbgd_*_create (or _load) function and released by the
 * matching mbgd_*_free, which accepts NULL. Every create function takes MBGD_ABI_VERSION as its
 * first argument: a program compiled against another ABI than the library's gets
 * MBGD_INVALID_ARGUMENT instead of undefined behaviour.
 *
 * Options are given as a JSON object (a C string, or NULL for the defaults) with the names of
 * the mbgd tool's options in lower camel case: `--batch-size 256 --optimizer adam` is
 * {"batchSize": 256, "optimizer": "adam"}. They are checked as the tool checks them, with the
 * same messages, the options named as the JSON names them. An unknown name is an error.
 *
 * THREADING (as SQLite's "multi-thread" mode)
 *
 * The library is thread-safe in this sense: distinct handles are independent and may be used
 * from different threads at the same time; one handle must never be used by two threads at
 * once (the caller serializes, e.g. with a mutex). A data handle that only reads, passed to
 * calls on different models, counts as used by each: give each thread its own data handle, or
 * serialize. mbgd_last_error() is per thread. mbgd_set_threads() is process-wide: it sets the
 * threads of the fused kernels and the passes over the rows, and OpenBLAS's, which OpenBLAS keeps
 * for the whole process (OpenBLAS issue 2809); call it before starting work on other threads.
 * Results are the same bits whatever the thread count for descent and the refined closed form.
 * The progress callback is called on the thread that called the fit.
 */
#ifndef MINIBATCHGD_H
#define MINIBATCHGD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version: major * 1000000 + minor * 1000 + patch (3.45.1 would be 3045001). */
#define MBGD_VERSION "0.1.0"
#define MBGD_VERSION_NUMBER 1000
/* The version of this header's types and functions; passed to every create function. */
#define MBGD_ABI_VERSION 1

/* The Arrow C data interface, as its specification writes it
   (https://arrow.apache.org/docs/format/CDataInterface.html): no Arrow library is needed. */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
    /* Array type description */
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;

    /* Release callback */
    void (*release)(struct ArrowSchema *);
    /* Opaque producer-specific data */
    void *private_data;
};

struct ArrowArray {
    /* Array data description */
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;

    /* Release callback */
    void (*release)(struct ArrowArray *);
    /* Opaque producer-specific data */
    void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

/* The status every fallible function returns. */
typedef enum mbgd_status {
    MBGD_OK = 0,
    /* A null pointer, a size, a stride, a NaN, a bad option or a wrong ABI version. */
    MBGD_INVALID_ARGUMENT = 1,
    /* A computation failed: divergence, a rank-deficient design, LAPACK. */
    MBGD_NUMERICAL = 2,
    /* The work finished and its results are set, but it did not converge: a fit compared with
       the exact solution whose verdict is not "converged", or an iterative solver's limit. */
    MBGD_NOT_CONVERGED = 3,
    /* A file that cannot be read or written as its format says. */
    MBGD_FILE = 4,
    /* More memory than the process may use. */
    MBGD_OUT_OF_MEMORY = 5,
    /* The progress callback returned non-zero. */
    MBGD_CANCELLED = 6,
    /* One of several processes failed (rows spread over processes). */
    MBGD_DISTRIBUTED = 7
} mbgd_status;

/* Element types of the values a caller passes. */
typedef enum mbgd_element_type { MBGD_FLOAT64 = 0, MBGD_FLOAT32 = 1 } mbgd_element_type;

/* How a dense matrix is laid out: element (i, j) is at i * ld + j (row-major) or
   j * ld + i (column-major), ld the leading dimension. */
typedef enum mbgd_layout { MBGD_ROW_MAJOR = 0, MBGD_COLUMN_MAJOR = 1 } mbgd_layout;

/* Whether a data handle copies the caller's values or reads them in place. */
typedef enum mbgd_ownership {
    /* The values are copied: the caller's buffers may be freed after the call. */
    MBGD_COPY = 0,
    /* Row-major values are read in place, never copied: the buffers must outlive the handle
       and stay unchanged while it is used. */
    MBGD_BORROW = 1
} mbgd_ownership;

/* The verdict of a fit compared with the exact solution (mbgd_comparison.verdict). */
typedef enum mbgd_verdict {
    /* Within 1e-2 (relative) of the exact solution, and the stop rule confirmed it. */
    MBGD_VERDICT_CONVERGED = 0,
    /* Within 1e-2, but the epoch budget ran out before the stop rule confirmed it. */
    MBGD_VERDICT_CLOSE_NOT_CERTIFIED = 1,
    /* Farther than 1e-2 from the exact solution. */
    MBGD_VERDICT_NOT_CONVERGED = 2
} mbgd_verdict;

/* Rows to fit, solve or accumulate: dense (borrowed or copied), CSR, or read from a file. */
typedef struct mbgd_data mbgd_data;
/* A linear model y = x W + c: fitted, solved, loaded, or from an accumulator. */
typedef struct mbgd_model mbgd_model;
/* The streaming exact least-squares fit: add chunks of rows, merge, solve. */
typedef struct mbgd_accumulator mbgd_accumulator;
/* Online descent: chunks of rows trained on once, in order, as they come (partial_fit). */
typedef struct mbgd_online mbgd_online;

/* What a fit reports after each epoch. */
typedef struct mbgd_progress {
    int64_t epoch;          /* epochs completed, from 1 */
    int64_t epochs;         /* the epoch budget */
    double cost;            /* the training cost after the epoch */
    double validation_cost; /* the held-out rows' cost, or NaN without a validation fraction */
    double learning_rate;   /* the epoch's learning rate */
    double seconds;         /* the epoch's training time */
} mbgd_progress;

/* Called after each epoch on the fitting thread; a non-zero return cancels the fit, which then
   returns MBGD_CANCELLED and leaves the model as it was. */
typedef int (*mbgd_progress_callback)(const mbgd_progress *progress, void *user_data);

/* A fit by gradient descent compared with the exact solution of the same problem. */
typedef struct mbgd_comparison {
    int verdict;             /* an mbgd_verdict */
    int64_t epochs;          /* epochs run */
    double parameter_gap;    /* ||theta - theta_exact|| / ||theta_exact|| */
    double cost_gap;         /* (J(theta) - J(theta_exact)) / J(theta_exact) */
    double descent_cost;     /* J(theta), penalty included */
    double exact_cost;       /* J(theta_exact) */
} mbgd_comparison;

/* The fit statistics of a closed-form solve, statsmodels' names in comments. */
typedef struct mbgd_fit_statistics {
    int64_t observations;          /* nobs */
    int64_t degrees_of_freedom;    /* df_resid */
    double r_squared;              /* rsquared */
    double adjusted_r_squared;     /* rsquared_adj (NaN when undefined) */
    double f_statistic;            /* fvalue (NaN when undefined) */
    double f_p_value;              /* f_pvalue (NaN when undefined) */
    double log_likelihood;         /* llf */
    double aic;                    /* aic */
    double bic;                    /* bic */
    double residual_sum_of_squares; /* ssr */
} mbgd_fit_statistics;

/* Columns of a statistics table row (mbgd_model_coefficient_table), statsmodels' order. */
#define MBGD_TABLE_COLUMNS 6 /* coef, std err, t, P>|t|, [lower, upper] of the confidence interval */
/* Columns of a prediction-interval row (mbgd_model_prediction_intervals), as statsmodels'
   get_prediction(X).summary_frame(): mean, mean_se, mean_ci_lower, mean_ci_upper,
   obs_ci_lower, obs_ci_upper. */
#define MBGD_INTERVAL_COLUMNS 6

/* ---- The library ---------------------------------------------------------------------- */

/* The library's version, "0.1.0": compare with MBGD_VERSION to find a header/library mismatch. */
const char *mbgd_version(void);
/* MBGD_VERSION_NUMBER of the library. */
int mbgd_version_number(void);
/* MBGD_ABI_VERSION of the library. */
int mbgd_abi_version(void);
/* The message of the last call on this thread that did not return MBGD_OK ("" before any). Valid
   until the next such call on the same thread; never NULL. */
const char *mbgd_last_error(void);
/* A short text for a status code ("invalid argument"); "unknown status" for other values. */
const char *mbgd_status_string(int status);
/* Sets the threads of the kernels, of the passes over the rows and of OpenBLAS, process-wide:
   1 to 1024. The options' "threads" overrides it for one call. */
int mbgd_set_threads(int threads);

/* ---- Data ----------------------------------------------------------------------------- */

/* Dense rows: n rows of p features x (n x p) and k targets y (n x k), of element_type, laid out
   as layout says with leading dimensions ldx and ldy (>= p and k row-major, >= n column-major).
   weights: n row weights (finite, >= 0, one at least positive; always copied), or NULL.
   MBGD_BORROW reads row-major values in place; column-major values are always copied (into
   row-major order), so MBGD_BORROW with MBGD_COLUMN_MAJOR is refused. */
int mbgd_data_create_dense(int abi_version, int element_type, int layout, int ownership, int64_t rows, int64_t features,
                           const void *x, int64_t ldx, int64_t outputs, const void *y, int64_t ldy, const double *weights,
                           mbgd_data **out);
/* Sparse rows in compressed sparse row form (scipy's CSR): row i's entries are positions
   row_starts[i] ..< row_starts[i + 1] of columns (0-based, increasing within a row) and values
   (of element_type); y is n x k row-major with leading dimension ldy. Copied. */
int mbgd_data_create_csr(int abi_version, int element_type, int64_t rows, int64_t features, const int64_t *row_starts,
                         const int32_t *columns, const void *values, int64_t outputs, const void *y, int64_t ldy,
                         const double *weights, mbgd_data **out);
/* Rows read from a CSV or .npy file, as `mbgd fit FILE` reads them. options: {"target": "price"
   or ["a", "b"], "features": ["size", "rooms"], "weights": "w"}; the default target is the last
   column. */
int mbgd_data_load(int abi_version, const char *path, const char *options_json, mbgd_data **out);
/* A table through the Arrow C data interface (a pyarrow RecordBatch's _export_to_c, nanoarrow,
   arrow-rs): schema a struct ("+s") of float64 ("g") and float32 ("f") columns, array a batch
   of it, without nulls. options as for mbgd_data_load, the columns named by the schema; the
   default target is the last column. The columns are read in place (Float rows when every column
   used is float32, else Double: float32 values widen exactly) by mbgd_model_solve, a descent
   (mbgd_model_fit, mbgd_model_fit_and_compare), mbgd_accumulator_add and the mbgd_online calls,
   a batch or a block of rows gathered at a time; a descent with validationFraction, or on rows
   of weight 0, copies them into row-major rows for the length of the call. The call takes both structures over,
   as the specification's consumer does: the schema is released before it returns; on success the
   array is moved into the handle (the caller's struct marked released) and released by
   mbgd_data_free, else released before it returns. Either way the caller must not release them
   again. */
int mbgd_data_create_arrow(int abi_version, struct ArrowSchema *schema, struct ArrowArray *array, const char *options_json,
                           mbgd_data **out);
void mbgd_data_free(mbgd_data *data);
/* The rows, features and targets of the data (any of the pointers may be NULL). */
int mbgd_data_shape(const mbgd_data *data, int64_t *rows, int64_t *features, int64_t *outputs);

/* ---- Models --------------------------------------------------------------------------- */

/* An unfitted model; fit_intercept non-zero fits an intercept (the usual choice). */
int mbgd_model_create(int abi_version, int fit_intercept, mbgd_model **out);
/* A model from a file written by mbgd_model_save or by `mbgd fit --save-model`. */
int mbgd_model_load(int abi_version, const char *path, mbgd_model **out);
void mbgd_model_free(mbgd_model *model);
/* Writes the model file `mbgd predict --model` reads (with its covariance after a solve). */
int mbgd_model_save(const mbgd_model *model, const char *path);
/* The fitted model's features p and targets k (any of the pointers may be NULL). */
int mbgd_model_shape(const mbgd_model *model, int64_t *features, int64_t *outputs);
/* The coefficients (p x k, row-major: feature j's coefficient for target o at j * k + o) and
   the k intercepts (zeros without an intercept). */
int mbgd_model_parameters(const mbgd_model *model, double *coefficients, int64_t coefficients_length, double *intercepts,
                          int64_t intercepts_length);

/* Trains by gradient descent (sparse rows by the sparse descent), replacing the parameters.
   options: the descent options of `mbgd fit` (batchSize, epochs, learningRate, optimizer,
   momentum, nesterov, beta1, beta2, epsilon, alpha, weightDecay, average, noAverage, reduction,
   schedule, warmup, decayPower, decayFactor, decayEvery, l2, standardize, noStandardize,
   noShuffle, shuffleBlocks, seed, validationFraction, tolerance, patience, noEarlyStopping,
   threads, epochCost: "full" or "running", as --epoch-cost). progress may be NULL. */
int mbgd_model_fit(mbgd_model *model, const mbgd_data *data, const char *options_json, mbgd_progress_callback progress,
                   void *user_data);
/* Fits in closed form (LAPACK; LSQR for sparse rows), replacing the parameters and keeping the
   statistics. options: the options of `mbgd solve` (method, l2, covariance, confidence,
   noRefine, threads). */
int mbgd_model_solve(mbgd_model *model, const mbgd_data *data, const char *options_json);
/* mbgd_model_fit, then the exact solution of the same problem and the gap to it, as `mbgd fit`
   reports it. Returns MBGD_OK when the verdict is MBGD_VERDICT_CONVERGED and MBGD_NOT_CONVERGED
   (the model fitted, *comparison set, the verdict's sentence in mbgd_last_error()) otherwise.
   comparison may be NULL. */
int mbgd_model_fit_and_compare(mbgd_model *model, const mbgd_data *data, const char *options_json,
                               mbgd_progress_callback progress, void *user_data, mbgd_comparison *comparison);

/* Predictions for n rows of p features (laid out as for mbgd_data_create_dense) into
   predictions: n x k, row-major (row i's target o at i * k + o). */
int mbgd_model_predict(const mbgd_model *model, int element_type, int layout, int64_t rows, int64_t features, const void *x,
                       int64_t ldx, double *predictions, int64_t predictions_length);
/* Predictions with confidence intervals of the mean and prediction intervals of new
   observations at level (in (0, 1), e.g. 0.95), from a closed-form fit's covariance: n * k rows
   of MBGD_INTERVAL_COLUMNS values (row i * k + o for row i's target o). */
int mbgd_model_prediction_intervals(const mbgd_model *model, int element_type, int layout, int64_t rows, int64_t features,
                                    const void *x, int64_t ldx, double level, double *intervals, int64_t intervals_length);
/* The statistics table of target `target` of the last solve: p + 1 rows (p without an
   intercept), the intercept first as statsmodels' `const`, each of MBGD_TABLE_COLUMNS values. */
int mbgd_model_coefficient_table(const mbgd_model *model, int64_t target, double *table, int64_t table_length);
/* The fit statistics of target `target` of the last solve. */
int mbgd_model_fit_statistics(const mbgd_model *model, int64_t target, mbgd_fit_statistics *statistics);
/* The statistics table of the last solve as text (statsmodels' summary table, UTF-8), written
   into buffer as snprintf does: at most size bytes, terminated when size > 0; *needed (if not
   NULL) receives the bytes the whole text needs, terminator included. */
int mbgd_model_summary(const mbgd_model *model, char *buffer, size_t size, size_t *needed);

/* ---- The streaming closed form -------------------------------------------------------- */

/* An empty accumulator for rows of p features and k targets. */
int mbgd_accumulator_create(int abi_version, int64_t features, int64_t outputs, int fit_intercept, mbgd_accumulator **out);
void mbgd_accumulator_free(mbgd_accumulator *accumulator);
/* Adds the rows of a dense data handle (its weights are not used). */
int mbgd_accumulator_add(mbgd_accumulator *accumulator, const mbgd_data *chunk);
/* Adds what `other` has accumulated (of the same shape); `other` is unchanged. */
int mbgd_accumulator_merge(mbgd_accumulator *accumulator, const mbgd_accumulator *other);
/* The rows accumulated so far. */
int mbgd_accumulator_rows(const mbgd_accumulator *accumulator, int64_t *rows);
/* The least-squares fit of the rows so far, into model (its parameters replaced). */
int mbgd_accumulator_solve(const mbgd_accumulator *accumulator, mbgd_model *model);

/* ---- Online descent ------------------------------------------------------------------- */

/* A trainer for rows of p features and k targets that arrive in chunks and are seen once
   (scikit-learn's partial_fit; `mbgd fit -` on a stream). Each mbgd_online_partial_fit trains on
   its chunk's rows in the order given, in batches of batchSize, one update each; the rule's
   state, the running average and the step count carry over from chunk to chunk. The
   standardization, the automatic learning rate and the curvature are taken from the first chunk
   and then fixed. A batch a chunk cuts short is a smaller batch. With a learningRate given and
   noStandardize (nothing taken from the first chunk), chunks of whole batches give the bits of
   one call over all their rows; one call over all the rows gives the bits of mbgd_model_fit with
   {"epochs": 1, "noShuffle": true, "noAverage": true, "noEarlyStopping": true}.
   config: mbgd_model_fit's options (NULL for the defaults), made into one pass in order without
   early stopping, averaging from the start with "average" and none otherwise. Refused: epochs
   other than 1, tolerance, patience, shuffleBlocks, validationFraction, epochCost, a schedule other than
   constant and inverseScaling (which decays per update: eta0 / t^decayPower), reduction sum.
   One handle must be used by one thread at a time. */
int mbgd_online_create(int abi_version, const char *config_json, int64_t features, int64_t outputs, int fit_intercept,
                       mbgd_online **out);
void mbgd_online_free(mbgd_online *online);
/* Trains on the rows of a dense data handle (its weights weigh the rows; a sparse handle is
   MBGD_INVALID_ARGUMENT) of the trainer's p features and k targets. *progressive_loss_out (if
   not NULL) receives the chunk's progressive loss: the weighted mean squared error of its rows,
   each predicted before its batch's update. A chunk of another shape or bad weights changes
   nothing; after MBGD_NUMERICAL (a batch whose loss is not finite) the updates before that
   batch are kept: make a new handle to start over. */
int mbgd_online_partial_fit(mbgd_online *online, const mbgd_data *chunk, double *progressive_loss_out);
/* The parameters in the data's units (the running average with "average"), as
   mbgd_model_parameters writes them: coefficients p x k row-major, k intercepts (zeros without an
   intercept); zeros before any row. */
int mbgd_online_parameters(const mbgd_online *online, double *coefficients, int64_t coefficients_length, double *intercepts,
                           int64_t intercepts_length);
/* The progressive validation loss of every row so far (the mean squared error over rows and
   targets, each row predicted before it was trained on, weighted); NaN before any row. */
int mbgd_online_progressive_loss(const mbgd_online *online, double *loss);
/* The rows (of positive weight) trained on so far. */
int mbgd_online_rows(const mbgd_online *online, int64_t *rows);
/* The updates (batches) so far. */
int mbgd_online_updates(const mbgd_online *online, int64_t *updates);
/* The learning rate eta0, given or chosen from the first chunk; NaN before it. */
int mbgd_online_learning_rate(const mbgd_online *online, double *learning_rate);
/* Takes the standardization, the curvature and the automatic learning rate from the rows of a
   dense data handle `sample` (a fit of them alone would choose the same) instead of from the
   first chunk: for a first chunk too small or unrepresentative to plan from. Trains on nothing
   (the sample's rows are not counted); does nothing once the trainer has planned. */
int mbgd_online_plan(mbgd_online *online, const mbgd_data *sample);
/* The trainer's whole state as bytes (the counts, the plan, the parameters, the update rule's
   moments and the running average; the format of the tool's checkpoints, with a CRC-32):
   written into buffer when size is at least the bytes needed; size 0 (buffer may then be NULL)
   only sets *needed. *needed (if not NULL) receives the bytes, also when the buffer is too
   small, which is MBGD_INVALID_ARGUMENT (retry with *needed). */
int mbgd_online_state(const mbgd_online *online, void *buffer, size_t size, size_t *needed);
/* Replaces the trainer's state with one mbgd_online_state wrote, from a trainer created with the
   same options (threads aside), features, targets and fit_intercept: later partial fits give
   the bits the saved trainer would have given (pickling between partial fits). Another
   trainer's state is MBGD_INVALID_ARGUMENT naming what differs; damaged bytes MBGD_FILE. The
   trainer is unchanged on an error. */
int mbgd_online_restore(mbgd_online *online, const void *state, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* MINIBATCHGD_H */
