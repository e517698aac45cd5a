/*
 * CApp: a plain C11 program using libminibatchgd through its installed header and pkg-config,
 * as a numeric app would. `make test` builds it with -Wall -Wextra -Werror and runs it; every
 * result is checked against an independent answer (the normal equations solved here, in C) and
 * every error path it exercises must fail with the status and message the header promises.
 * Exits 0 when all checks pass; prints what failed otherwise.
 */
#include <minibatchgd.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 400, P = 3, Q = P + 1 };

static int failures = 0;

#define CHECK(condition, ...)                                           \
    do {                                                                \
        if (!(condition)) {                                             \
            failures++;                                                 \
            fprintf(stderr, "FAILED (line %d): ", __LINE__);            \
            fprintf(stderr, __VA_ARGS__);                               \
            fprintf(stderr, "\n");                                      \
        }                                                               \
    } while (0)

/* Calls that must succeed. */
#define OK(call)                                                                                 \
    do {                                                                                         \
        int status_ = (call);                                                                    \
        if (status_ != MBGD_OK) {                                                                \
            fprintf(stderr, "FAILED (line %d): %s returned %s: %s\n", __LINE__, #call,           \
                    mbgd_status_string(status_), mbgd_last_error());                             \
            exit(1);                                                                             \
        }                                                                                        \
    } while (0)

/* A call that must fail with `expected` and a message containing `fragment`. */
static void expect_error(int status, int expected, const char *fragment, const char *what) {
    const char *message = mbgd_last_error();
    CHECK(status == expected, "%s: status %d (%s), expected %d (%s)", what, status, mbgd_status_string(status), expected,
          mbgd_status_string(expected));
    CHECK(strstr(message, fragment) != NULL, "%s: message \"%s\" does not contain \"%s\"", what, message, fragment);
    printf("  %-34s -> %s: %s\n", what, mbgd_status_string(status), message);
}

/* Deterministic data: x uniform in [-1, 1) from a 64-bit LCG, y = 1.5 + 2 x1 - 3 x2 + 0.5 x3 + noise. */
static uint64_t state = 42;
static double uniform(void) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(state >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

/* theta = (c, w1, ..., wP) from the normal equations [1 X]^T [1 X] theta = [1 X]^T y, by
   Gaussian elimination with partial pivoting: the reference every solve is checked against. */
static void normal_equations(const double *x, const double *y, int n, double *theta) {
    double a[Q][Q + 1] = {{0}};
    for (int i = 0; i < n; i++) {
        double z[Q] = {1.0, x[i * P], x[i * P + 1], x[i * P + 2]};
        for (int r = 0; r < Q; r++) {
            for (int c = 0; c < Q; c++) a[r][c] += z[r] * z[c];
            a[r][Q] += z[r] * y[i];
        }
    }
    for (int k = 0; k < Q; k++) {
        int pivot = k;
        for (int r = k + 1; r < Q; r++)
            if (fabs(a[r][k]) > fabs(a[pivot][k])) pivot = r;
        for (int c = 0; c <= Q; c++) {
            double t = a[k][c];
            a[k][c] = a[pivot][c];
            a[pivot][c] = t;
        }
        for (int r = k + 1; r < Q; r++) {
            double f = a[r][k] / a[k][k];
            for (int c = k; c <= Q; c++) a[r][c] -= f * a[k][c];
        }
    }
    for (int k = Q - 1; k >= 0; k--) {
        double s = a[k][Q];
        for (int c = k + 1; c < Q; c++) s -= a[k][c] * theta[c];
        theta[k] = s / a[k][k];
    }
}

/* The largest difference between a model's (intercept, coefficients) and theta, relative to |theta|. */
static double gap(const mbgd_model *model, const double *theta) {
    double w[P], c[1], largest = 0, size = 0;
    OK(mbgd_model_parameters(model, w, P, c, 1));
    for (int j = 0; j < Q; j++) {
        double found = j == 0 ? c[0] : w[j - 1];
        largest = fmax(largest, fabs(found - theta[j]));
        size = fmax(size, fabs(theta[j]));
    }
    return largest / size;
}

/* An Arrow producer's release callbacks: count the calls and mark the structure released, as the
   specification asks. */
static int released_schemas = 0, released_arrays = 0;
static void release_schema(struct ArrowSchema *schema) {
    released_schemas++;
    schema->release = NULL;
}
static void release_array(struct ArrowArray *array) {
    released_arrays++;
    array->release = NULL;
}
static void release_child_schema(struct ArrowSchema *schema) { schema->release = NULL; }
static void release_child_array(struct ArrowArray *array) { array->release = NULL; }

/* A record batch of P float64 feature columns and the target, as pyarrow exports one: a struct
   ("+s") of primitive columns, each with no validity bitmap and its values in buffer 1. */
static struct ArrowSchema field_schemas[Q], *field_pointers[Q];
static struct ArrowArray field_arrays[Q], *array_pointers[Q];
static const void *field_buffers[Q][2], *struct_buffers[1];
static void export_table(struct ArrowSchema *schema, struct ArrowArray *array, const double *columns, const double *y, int n,
                         const char *first_format) {
    static const char *names[Q] = {"x1", "x2", "x3", "y"};
    for (int j = 0; j < Q; j++) {
        field_schemas[j] = (struct ArrowSchema){.format = j == 0 ? first_format : "g", .name = names[j], .release = release_child_schema};
        field_buffers[j][0] = NULL;
        field_buffers[j][1] = j < P ? columns + (size_t)j * n : y;
        field_arrays[j] = (struct ArrowArray){.length = n, .n_buffers = 2, .buffers = field_buffers[j], .release = release_child_array};
        field_pointers[j] = &field_schemas[j];
        array_pointers[j] = &field_arrays[j];
    }
    *schema = (struct ArrowSchema){.format = "+s", .name = "", .n_children = Q, .children = field_pointers, .release = release_schema};
    *array = (struct ArrowArray){
        .length = n, .n_buffers = 1, .buffers = struct_buffers, .n_children = Q, .children = array_pointers, .release = release_array};
}

/* Cancels the fit after its second epoch. */
static int cancel_after_two(const mbgd_progress *progress, void *user_data) {
    int *calls = user_data;
    (*calls)++;
    return progress->epoch >= 2;
}

int main(int argc, char **argv) {
    const char *houses = argc > 1 ? argv[1] : "Examples/data/houses.csv";
    printf("libminibatchgd %s (ABI %d)\n", mbgd_version(), mbgd_abi_version());
    CHECK(strcmp(mbgd_version(), MBGD_VERSION) == 0, "library %s, header %s", mbgd_version(), MBGD_VERSION);
    CHECK(mbgd_version_number() == MBGD_VERSION_NUMBER, "version number %d", mbgd_version_number());
    OK(mbgd_set_threads(2));

    static double x[N * P], y[N], padded[N * 5], columns[P * N];
    static float x32[N * P], y32[N];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < P; j++) x[i * P + j] = uniform();
        y[i] = 1.5 + 2 * x[i * P] - 3 * x[i * P + 1] + 0.5 * x[i * P + 2] + 0.1 * uniform();
    }
    double theta[Q];
    normal_equations(x, y, N, theta);
    printf("normal equations in C: c = %.6f, w = (%.6f, %.6f, %.6f)\n", theta[0], theta[1], theta[2], theta[3]);

    /* The closed form on copied rows. */
    mbgd_data *data = NULL;
    mbgd_model *model = NULL;
    OK(mbgd_data_create_dense(MBGD_ABI_VERSION, MBGD_FLOAT64, MBGD_ROW_MAJOR, MBGD_COPY, N, P, x, P, 1, y, 1, NULL, &data));
    OK(mbgd_model_create(MBGD_ABI_VERSION, 1, &model));
    OK(mbgd_model_solve(model, data, NULL));
    printf("solve: %.1e from the normal equations\n", gap(model, theta));
    CHECK(gap(model, theta) < 1e-12, "solve is %.3g from the normal equations", gap(model, theta));

    /* The same rows borrowed in place, row-major with a leading dimension of 5 (x in columns 0-2,
       y in column 4), and copied from column-major: the same solution. */
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < P; j++) padded[i * 5 + j] = x[i * P + j], columns[j * N + i] = x[i * P + j];
        padded[i * 5 + 3] = NAN; /* never read: outside the features */
        padded[i * 5 + 4] = y[i];
    }
    mbgd_data *borrowed = NULL, *column_major = NULL;
    OK(mbgd_data_create_dense(MBGD_ABI_VERSION, MBGD_FLOAT64, MBGD_ROW_MAJOR, MBGD_BORROW, N, P, padded, 5, 1, padded + 4, 5,
                              NULL, &borrowed));
    OK(mbgd_data_create_dense(MBGD_ABI_VERSION, MBGD_FLOAT64, MBGD_COLUMN_MAJOR, MBGD_COPY, N, P, columns, N, 1, y, N, NULL,
                              &column_major));
    mbgd_model *other = NULL;
    OK(mbgd_model_create(MBGD_ABI_VERSION, 1, &other));
    OK(mbgd_model_solve(other, borrowed, "{\"method\": \"qr\"}"));
    CHECK(gap(other, theta) < 1e-12, "borrowed solve is %.3g away", gap(other, theta));
    OK(mbgd_model_solve(other, column_major, "{\"method\": \"svd\"}"));
    CHECK(gap(other, theta) < 1e-12, "column-major solve is %.3g away", gap(other, theta));
    printf("borrowed (ld 5) and column-major rows: the same solution\n");

    /* Descent compared with the exact solution: converged, and near the normal equations. */
    mbgd_comparison comparison;
    OK(mbgd_model_fit_and_compare(other, borrowed, "{\"batchSize\": 32, \"optimizer\": \"sgd\", \"seed\": 7}", NULL, NULL,
                                  &comparison));
    printf("fit and compare: verdict %d after %lld epochs, parameters %.2e from the exact solution, cost %.2e above\n",
           comparison.verdict, (long long)comparison.epochs, comparison.parameter_gap, comparison.cost_gap);
    CHECK(comparison.verdict == MBGD_VERDICT_CONVERGED, "verdict %d", comparison.verdict);
    CHECK(gap(other, theta) < 1e-2, "descent is %.3g from the normal equations", gap(other, theta));

    /* Float rows: solved in Double from the Float values. */
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < P; j++) x32[i * P + j] = (float)x[i * P + j];
        y32[i] = (float)y[i];
    }
    mbgd_data *single = NULL;
    OK(mbgd_data_create_dense(MBGD_ABI_VERSION, MBGD_FLOAT32, MBGD_ROW_MAJOR, MBGD_BORROW, N, P, x32, P, 1, y32, 1, NULL,
                              &single));
    OK(mbgd_model_fit(other, single, "{\"batchSize\": \"full\", \"optimizer\": \"nesterov\"}", NULL, NULL));
    CHECK(gap(other, theta) < 1e-3, "float32 full-batch Nesterov is %.3g away", gap(other, theta));

    /* Predictions into a caller's buffer, against x w + c computed here. */
    double predictions[4], expected[4], w[P], c[1];
    OK(mbgd_model_parameters(model, w, P, c, 1));
    OK(mbgd_model_predict(model, MBGD_FLOAT64, MBGD_ROW_MAJOR, 4, P, x, P, predictions, 4));
    for (int i = 0; i < 4; i++) {
        expected[i] = c[0] + w[0] * x[i * P] + w[1] * x[i * P + 1] + w[2] * x[i * P + 2];
        CHECK(fabs(predictions[i] - expected[i]) < 1e-12, "prediction %d: %.17g, expected %.17g", i, predictions[i], expected[i]);
    }
    double intervals[4 * MBGD_INTERVAL_COLUMNS];
    OK(mbgd_model_prediction_intervals(model, MBGD_FLOAT64, MBGD_ROW_MAJOR, 4, P, x, P, 0.95, intervals, 4 * MBGD_INTERVAL_COLUMNS));
    for (int i = 0; i < 4; i++) {
        const double *row = intervals + i * MBGD_INTERVAL_COLUMNS;
        CHECK(fabs(row[0] - predictions[i]) < 1e-12, "interval mean %d", i);
        CHECK(row[4] < row[2] && row[2] < row[0] && row[0] < row[3] && row[3] < row[5], "interval order %d", i);
    }
    printf("predict: %.6f %.6f ...; 95%% prediction interval of the first [%.4f, %.4f]\n", predictions[0], predictions[1],
           intervals[4], intervals[5]);

    /* The statistics table: the intercept first, estimates equal to the parameters. */
    double table[Q * MBGD_TABLE_COLUMNS];
    OK(mbgd_model_coefficient_table(model, 0, table, Q * MBGD_TABLE_COLUMNS));
    CHECK(table[0] == c[0] && table[MBGD_TABLE_COLUMNS] == w[0], "table estimates");
    mbgd_fit_statistics statistics;
    OK(mbgd_model_fit_statistics(model, 0, &statistics));
    CHECK(statistics.observations == N && statistics.degrees_of_freedom == N - Q, "observations %lld",
          (long long)statistics.observations);
    CHECK(statistics.r_squared > 0.99 && statistics.r_squared < 1, "R squared %g", statistics.r_squared);
    size_t needed = 0;
    OK(mbgd_model_summary(model, NULL, 0, &needed));
    char *summary = malloc(needed);
    OK(mbgd_model_summary(model, summary, needed, NULL));
    CHECK(strlen(summary) + 1 == needed && strstr(summary, "const") != NULL, "summary");
    printf("R² %.6f, F %.1f, AIC %.2f; the table:\n%s\n", statistics.r_squared, statistics.f_statistic, statistics.aic, summary);
    free(summary);

    /* Saved and loaded: the same predictions. */
    const char *path = "capp-model.json";
    OK(mbgd_model_save(model, path));
    mbgd_model *loaded = NULL;
    OK(mbgd_model_load(MBGD_ABI_VERSION, path, &loaded));
    double again[4];
    OK(mbgd_model_predict(loaded, MBGD_FLOAT64, MBGD_ROW_MAJOR, 4, P, x, P, again, 4));
    CHECK(memcmp(again, predictions, sizeof again) == 0, "a loaded model predicts differently");
    remove(path);

    /* The streaming closed form: two halves in two accumulators, merged. */
    mbgd_accumulator *first = NULL, *second = NULL;
    mbgd_data *head = NULL, *tail = NULL;
    OK(mbgd_accumulator_create(MBGD_ABI_VERSION, P, 1, 1, &first));
    OK(mbgd_accumulator_create(MBGD_ABI_VERSION, P, 1, 1, &second));
    OK(mbgd_data_create_dense(MBGD_ABI_VERSION, MBGD_FLOAT64, MBGD_ROW_MAJOR, MBGD_BORROW, N / 2, P, x, P, 1, y, 1, NULL, &head));
    OK(mbgd_data_create_dense(MBGD_ABI_VERSION, MBGD_FLOAT64, MBGD_ROW_MAJOR, MBGD_BORROW, N / 2, P, x + N / 2 * P, P, 1, y + N / 2,
                              1, NULL, &tail));
    OK(mbgd_accumulator_add(first, head));
    OK(mbgd_accumulator_add(second, tail));
    OK(mbgd_accumulator_merge(first, second));
    int64_t accumulated = 0;
    OK(mbgd_accumulator_rows(first, &accumulated));
    OK(mbgd_accumulator_solve(first, other));
    CHECK(accumulated == N && gap(other, theta) < 1e-12, "accumulator: %lld rows, %.3g away", (long long)accumulated,
          gap(other, theta));
    printf("accumulator: %lld rows in two merged halves, %.1e from the normal equations\n", (long long)accumulated,
           gap(other, theta));

    /* Online descent: with the rate given and no standardization (nothing taken from the first
       chunk), the two halves as two chunks of whole batches of 20 give the bits of a one-epoch
       fit of all the rows in order. */
    mbgd_online *online = NULL;
    double chunk_loss = 0, progressive = 0, online_w[P], online_c = 0, fit_w[P], fit_c = 0;
    int64_t online_rows = 0, online_updates = 0;
    OK(mbgd_online_create(MBGD_ABI_VERSION, "{\"batchSize\": 20, \"learningRate\": 0.05, \"noStandardize\": true}", P, 1, 1,
                          &online));
    OK(mbgd_online_partial_fit(online, head, &chunk_loss));
    OK(mbgd_online_partial_fit(online, tail, &chunk_loss));
    OK(mbgd_online_progressive_loss(online, &progressive));
    OK(mbgd_online_rows(online, &online_rows));
    OK(mbgd_online_updates(online, &online_updates));
    OK(mbgd_online_parameters(online, online_w, P, &online_c, 1));
    OK(mbgd_model_fit(other, data, "{\"batchSize\": 20, \"learningRate\": 0.05, \"noStandardize\": true, \"epochs\": 1, "
                                   "\"noShuffle\": true, \"noAverage\": true, \"noEarlyStopping\": true}", NULL, NULL));
    OK(mbgd_model_parameters(other, fit_w, P, &fit_c, 1));
    CHECK(memcmp(online_w, fit_w, sizeof fit_w) == 0 && online_c == fit_c, "online descent differs from the one-epoch fit");
    CHECK(online_rows == N && online_updates == N / 20 && progressive > 0 && chunk_loss > 0, "online: %lld rows, %lld updates",
          (long long)online_rows, (long long)online_updates);
    printf("online: %lld rows in two chunks, %lld updates, progressive loss %.4f (the last chunk's %.4f), the one-epoch fit's bits\n",
           (long long)online_rows, (long long)online_updates, progressive, chunk_loss);

    /* Adam, standardized, its rate automatic: planned from all the rows (mbgd_online_plan) rather
       than the first chunk, the two halves give the bits of one chunk of all the rows; its state
       saved after the first half and restored into a new trainer continues with those bits. */
    const char *adam = "{\"batchSize\": 20, \"optimizer\": \"adam\"}";
    mbgd_online *planned = NULL, *whole = NULL, *resumed = NULL, *other_options = NULL;
    OK(mbgd_online_create(MBGD_ABI_VERSION, adam, P, 1, 1, &planned));
    OK(mbgd_online_create(MBGD_ABI_VERSION, adam, P, 1, 1, &whole));
    OK(mbgd_online_create(MBGD_ABI_VERSION, adam, P, 1, 1, &resumed));
    OK(mbgd_online_plan(planned, data));
    OK(mbgd_online_partial_fit(planned, head, NULL));
    size_t state_size = 0;
    OK(mbgd_online_state(planned, NULL, 0, &state_size));
    unsigned char *state = malloc(state_size);
    OK(mbgd_online_state(planned, state, state_size, NULL));
    OK(mbgd_online_restore(resumed, state, state_size));
    OK(mbgd_online_partial_fit(planned, tail, NULL));
    OK(mbgd_online_partial_fit(resumed, tail, NULL));
    OK(mbgd_online_partial_fit(whole, data, NULL));
    double planned_w[P + 1], resumed_w[P + 1], whole_w[P + 1];
    OK(mbgd_online_parameters(planned, planned_w, P, planned_w + P, 1));
    OK(mbgd_online_parameters(resumed, resumed_w, P, resumed_w + P, 1));
    OK(mbgd_online_parameters(whole, whole_w, P, whole_w + P, 1));
    CHECK(memcmp(planned_w, whole_w, sizeof whole_w) == 0, "a trainer planned from all the rows differs from one chunk of them");
    CHECK(memcmp(resumed_w, planned_w, sizeof planned_w) == 0, "a restored trainer continues differently from the saved one");
    printf("online state: %zu bytes; restored, it continues with the saved trainer's bits\n", state_size);
    OK(mbgd_online_create(MBGD_ABI_VERSION, "{\"batchSize\": 20, \"optimizer\": \"sgd\"}", P, 1, 1, &other_options));
    expect_error(mbgd_online_restore(other_options, state, state_size), MBGD_INVALID_ARGUMENT, "the optimizer",
                 "a state restored into a trainer of another optimizer");
    size_t retry_size = 0;
    expect_error(mbgd_online_state(planned, state, state_size - 1, &retry_size), MBGD_INVALID_ARGUMENT, "the state needs",
                 "a state buffer one byte short");
    CHECK(retry_size == state_size, "a buffer too small set *needed to %zu, not the %zu bytes to retry with", retry_size,
          state_size);
    state[state_size / 2] ^= 1;
    expect_error(mbgd_online_restore(resumed, state, state_size), MBGD_FILE, "checksum", "a state with a flipped bit");
    free(state);

    /* The same rows in CSR form (every entry stored), solved by LSQR. */
    static int64_t starts[N + 1];
    static int32_t indices[N * P];
    for (int i = 0; i <= N; i++) starts[i] = (int64_t)i * P;
    for (int i = 0; i < N * P; i++) indices[i] = i % P;
    mbgd_data *sparse = NULL;
    OK(mbgd_data_create_csr(MBGD_ABI_VERSION, MBGD_FLOAT64, N, P, starts, indices, x, 1, y, 1, NULL, &sparse));
    OK(mbgd_model_solve(other, sparse, NULL));
    CHECK(gap(other, theta) < 1e-8, "CSR solve is %.3g away", gap(other, theta));
    printf("CSR rows solved by LSQR: %.1e from the normal equations\n", gap(other, theta));

    /* The same columns as an Arrow table: the target is its last column. */
    struct ArrowSchema schema;
    struct ArrowArray array;
    mbgd_data *arrow_table = NULL;
    export_table(&schema, &array, columns, y, N, "g");
    OK(mbgd_data_create_arrow(MBGD_ABI_VERSION, &schema, &array, NULL, &arrow_table));
    /* The schema is released at once; the array is moved into the handle (ours marked released),
       which reads its columns in place and releases it when freed. */
    CHECK(released_schemas == 1 && released_arrays == 0 && schema.release == NULL && array.release == NULL,
          "the table was released %d and %d times", released_schemas, released_arrays);
    OK(mbgd_model_solve(other, arrow_table, NULL));
    CHECK(gap(other, theta) < 1e-12, "Arrow solve is %.3g away", gap(other, theta));
    printf("Arrow table (4 float64 columns, the last the target): %.1e from the normal equations\n", gap(other, theta));
    mbgd_data_free(arrow_table);
    CHECK(released_arrays == 1, "the table's array was released %d times when its handle was freed", released_arrays);

    /* A file, as mbgd reads it. */
    mbgd_data *file = NULL;
    OK(mbgd_data_load(MBGD_ABI_VERSION, houses, "{\"target\": \"price\", \"features\": [\"size\", \"rooms\"]}", &file));
    int64_t rows = 0, features = 0;
    OK(mbgd_data_shape(file, &rows, &features, NULL));
    CHECK(rows == 500 && features == 2, "houses.csv: %lld rows, %lld features", (long long)rows, (long long)features);

    /* Errors: each with its status and a message that says what to do. */
    printf("errors:\n");
    double before[P], after[P], ignored[1];
    OK(mbgd_model_parameters(model, before, P, ignored, 1));
    int calls = 0;
    expect_error(mbgd_model_fit(model, data, "{\"epochs\": 50, \"noEarlyStopping\": true}", cancel_after_two, &calls),
                 MBGD_CANCELLED, "cancelled after 2 completed epochs", "cancelled by the callback");
    OK(mbgd_model_parameters(model, after, P, ignored, 1));
    CHECK(calls == 2 && memcmp(before, after, sizeof before) == 0, "cancellation: %d calls; the model must be unchanged", calls);
    expect_error(mbgd_model_fit(NULL, data, NULL, NULL, NULL), MBGD_INVALID_ARGUMENT, "model is NULL", "a NULL model");
    expect_error(mbgd_model_fit(model, data, "{\"batchSize\": 0}", NULL, NULL), MBGD_INVALID_ARGUMENT,
                 "batchSize must be a positive integer or 'full', got '0'", "batchSize 0");
    expect_error(mbgd_model_fit(model, data, "{\"optimizer\": \"adam\", \"momentum\": 0.9}", NULL, NULL), MBGD_INVALID_ARGUMENT,
                 "momentum applies to optimizer momentum or nesterov, not adam", "momentum with adam");
    expect_error(mbgd_model_fit(model, data, "{\"batch_size\": 8}", NULL, NULL), MBGD_INVALID_ARGUMENT,
                 "unknown option 'batch_size'", "an unknown option");
    expect_error(mbgd_model_fit(model, data, "{\"batchSize\": 8", NULL, NULL), MBGD_INVALID_ARGUMENT, "not valid JSON",
                 "malformed JSON");
    mbgd_data *bad = NULL;
    x[7 * P + 1] = NAN;
    expect_error(mbgd_data_create_dense(MBGD_ABI_VERSION, MBGD_FLOAT64, MBGD_ROW_MAJOR, MBGD_COPY, N, P, x, P, 1, y, 1, NULL, &bad),
                 MBGD_INVALID_ARGUMENT, "row 7, column 1", "a NaN feature");
    expect_error(mbgd_data_create_dense(MBGD_ABI_VERSION, MBGD_FLOAT64, MBGD_ROW_MAJOR, MBGD_COPY, N, P, x, 2, 1, y, 1, NULL, &bad),
                 MBGD_INVALID_ARGUMENT, "ldx = 2 is invalid", "a leading dimension below p");
    expect_error(mbgd_data_create_dense(MBGD_ABI_VERSION + 1, MBGD_FLOAT64, MBGD_ROW_MAJOR, MBGD_COPY, N, P, x, P, 1, y, 1, NULL,
                                        &bad),
                 MBGD_INVALID_ARGUMENT, "rebuild it against the header", "another ABI version");
    CHECK(bad == NULL, "a failed create wrote its handle");
    expect_error(mbgd_model_predict(model, MBGD_FLOAT64, MBGD_ROW_MAJOR, 4, P, x, P, predictions, 3), MBGD_INVALID_ARGUMENT,
                 "predictions_length = 3", "too small a buffer");
    expect_error(mbgd_data_load(MBGD_ABI_VERSION, "no-such-file.csv", NULL, &bad), MBGD_FILE, "no such file", "a missing file");
    export_table(&schema, &array, columns, y, N, "l");
    expect_error(mbgd_data_create_arrow(MBGD_ABI_VERSION, &schema, &array, NULL, &bad), MBGD_INVALID_ARGUMENT,
                 "column 'x1' has Arrow format 'l'", "an int64 Arrow column");
    CHECK(released_schemas == 2 && released_arrays == 2, "a refused table must be released too");
    expect_error(mbgd_set_threads(0), MBGD_INVALID_ARGUMENT, "threads must lie between 1 and 1024", "zero threads");
    mbgd_online *refused = NULL;
    expect_error(mbgd_online_create(MBGD_ABI_VERSION, "{\"schedule\": \"cosine\"}", P, 1, 1, &refused), MBGD_INVALID_ARGUMENT,
                 "must be constant or inverse-scaling online", "a cosine schedule online");
    CHECK(refused == NULL, "a refused online trainer must not be made");

    mbgd_data_free(data);
    mbgd_data_free(borrowed);
    mbgd_data_free(column_major);
    mbgd_data_free(single);
    mbgd_data_free(head);
    mbgd_data_free(tail);
    mbgd_data_free(sparse);
    mbgd_data_free(file);
    mbgd_data_free(NULL);
    mbgd_model_free(model);
    mbgd_model_free(other);
    mbgd_model_free(loaded);
    mbgd_accumulator_free(first);
    mbgd_accumulator_free(second);
    mbgd_online_free(online);
    mbgd_online_free(planned);
    mbgd_online_free(whole);
    mbgd_online_free(resumed);
    mbgd_online_free(other_options);
    mbgd_online_free(NULL);
    if (failures) {
        fprintf(stderr, "CApp: %d checks failed\n", failures);
        return 1;
    }
    printf("CApp: every check passed\n");
    return 0;
}
