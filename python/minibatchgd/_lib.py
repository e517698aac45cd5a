"""The C interface of libminibatchgd (include/minibatchgd.h) through ctypes.

ctypes rather than cffi: it is in the standard library, so the package needs no compiler at
install time beyond the Swift toolchain that builds the library, and ctypes releases the GIL
around every foreign call (fits run while other Python threads do). The header is the contract;
the declarations below follow it one for one.
"""
import ctypes
import json
import os
import pathlib
import signal
import threading

import numpy as np

ABI_VERSION = 1
FLOAT64, FLOAT32 = 0, 1
ROW_MAJOR, COLUMN_MAJOR = 0, 1
COPY, BORROW = 0, 1
OK, INVALID_ARGUMENT, NOT_CONVERGED, CANCELLED = 0, 1, 3, 6
TABLE_COLUMNS = INTERVAL_COLUMNS = 6


class MiniBatchGDError(Exception):
    """A call of the library failed: `status` is its mbgd_status code, the message its own."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class InvalidArgumentError(MiniBatchGDError, ValueError):
    """MBGD_INVALID_ARGUMENT: an argument or option the library refuses (a ValueError, as
    scikit-learn raises for bad parameters and data)."""


class Progress(ctypes.Structure):
    _fields_ = [("epoch", ctypes.c_int64), ("epochs", ctypes.c_int64), ("cost", ctypes.c_double),
                ("validation_cost", ctypes.c_double), ("learning_rate", ctypes.c_double), ("seconds", ctypes.c_double)]


class Comparison(ctypes.Structure):
    _fields_ = [("verdict", ctypes.c_int), ("epochs", ctypes.c_int64), ("parameter_gap", ctypes.c_double),
                ("cost_gap", ctypes.c_double), ("descent_cost", ctypes.c_double), ("exact_cost", ctypes.c_double)]


class FitStatistics(ctypes.Structure):
    _fields_ = [("observations", ctypes.c_int64), ("degrees_of_freedom", ctypes.c_int64), ("r_squared", ctypes.c_double),
                ("adjusted_r_squared", ctypes.c_double), ("f_statistic", ctypes.c_double), ("f_p_value", ctypes.c_double),
                ("log_likelihood", ctypes.c_double), ("aic", ctypes.c_double), ("bic", ctypes.c_double),
                ("residual_sum_of_squares", ctypes.c_double)]


PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(Progress), ctypes.c_void_p)
_handle, _i64, _double_p = ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_double)
_SIGNATURES = {
    "mbgd_version": (ctypes.c_char_p, []),
    "mbgd_abi_version": (ctypes.c_int, []),
    "mbgd_last_error": (ctypes.c_char_p, []),
    "mbgd_set_threads": (ctypes.c_int, [ctypes.c_int]),
    "mbgd_data_create_dense": (ctypes.c_int, [ctypes.c_int] * 4 + [_i64, _i64, ctypes.c_void_p, _i64, _i64, ctypes.c_void_p, _i64,
                                                                 ctypes.c_void_p, ctypes.POINTER(_handle)]),
    "mbgd_data_create_csr": (ctypes.c_int, [ctypes.c_int, ctypes.c_int, _i64, _i64, ctypes.c_void_p, ctypes.c_void_p,
                                             ctypes.c_void_p, _i64, ctypes.c_void_p, _i64, ctypes.c_void_p, ctypes.POINTER(_handle)]),
    "mbgd_data_create_arrow": (ctypes.c_int, [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p,
                                               ctypes.POINTER(_handle)]),
    "mbgd_data_free": (None, [_handle]),
    "mbgd_model_create": (ctypes.c_int, [ctypes.c_int, ctypes.c_int, ctypes.POINTER(_handle)]),
    "mbgd_model_free": (None, [_handle]),
    "mbgd_model_shape": (ctypes.c_int, [_handle, ctypes.POINTER(_i64), ctypes.POINTER(_i64)]),
    "mbgd_model_parameters": (ctypes.c_int, [_handle, _double_p, _i64, _double_p, _i64]),
    "mbgd_model_fit_and_compare": (ctypes.c_int, [_handle, _handle, ctypes.c_char_p, PROGRESS, ctypes.c_void_p,
                                                  ctypes.POINTER(Comparison)]),
    "mbgd_model_solve": (ctypes.c_int, [_handle, _handle, ctypes.c_char_p]),
    "mbgd_model_predict": (ctypes.c_int, [_handle, ctypes.c_int, ctypes.c_int, _i64, _i64, ctypes.c_void_p, _i64, _double_p, _i64]),
    "mbgd_model_prediction_intervals": (ctypes.c_int, [_handle, ctypes.c_int, ctypes.c_int, _i64, _i64, ctypes.c_void_p, _i64,
                                                       ctypes.c_double, _double_p, _i64]),
    "mbgd_model_coefficient_table": (ctypes.c_int, [_handle, _i64, _double_p, _i64]),
    "mbgd_model_fit_statistics": (ctypes.c_int, [_handle, _i64, ctypes.POINTER(FitStatistics)]),
    "mbgd_model_summary": (ctypes.c_int, [_handle, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]),
    "mbgd_online_create": (ctypes.c_int, [ctypes.c_int, ctypes.c_char_p, _i64, _i64, ctypes.c_int, ctypes.POINTER(_handle)]),
    "mbgd_online_free": (None, [_handle]),
    "mbgd_online_partial_fit": (ctypes.c_int, [_handle, _handle, _double_p]),
    "mbgd_online_parameters": (ctypes.c_int, [_handle, _double_p, _i64, _double_p, _i64]),
    "mbgd_online_progressive_loss": (ctypes.c_int, [_handle, _double_p]),
    "mbgd_online_rows": (ctypes.c_int, [_handle, ctypes.POINTER(_i64)]),
    "mbgd_online_updates": (ctypes.c_int, [_handle, ctypes.POINTER(_i64)]),
    "mbgd_online_plan": (ctypes.c_int, [_handle, _handle]),
    "mbgd_online_state": (ctypes.c_int, [_handle, ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]),
    "mbgd_online_restore": (ctypes.c_int, [_handle, ctypes.c_char_p, ctypes.c_size_t]),
}


def _load():
    path = os.environ.get("MINIBATCHGD_LIBRARY") or str(pathlib.Path(__file__).with_name("libminibatchgd.so"))
    library = ctypes.CDLL(path)
    for name, (result, arguments) in _SIGNATURES.items():
        function = getattr(library, name)
        function.restype, function.argtypes = result, arguments
    if library.mbgd_abi_version() != ABI_VERSION:
        raise ImportError(f"{path} has ABI version {library.mbgd_abi_version()}; this package needs {ABI_VERSION}")
    return library


lib = _load()


def check(status):
    """Raises the library's error for a status other than MBGD_OK (and MBGD_NOT_CONVERGED, which
    the caller handles with its result)."""
    if status not in (OK, NOT_CONVERGED):
        error = InvalidArgumentError if status == INVALID_ARGUMENT else MiniBatchGDError
        raise error(status, lib.mbgd_last_error().decode())
    return status


def last_error():
    return lib.mbgd_last_error().decode()


def options(**values):
    """The JSON options of a call: the tool's names in lower camel case, None left out."""
    return json.dumps({name: value for name, value in values.items() if value is not None}).encode()


def _matrix(array):
    """(element type, layout, leading dimension, array) for a 2-D array of float64 or float32,
    read in place when its strides are a row-major or column-major layout, else copied."""
    element = FLOAT32 if array.dtype == np.float32 else FLOAT64
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    size = array.itemsize
    rows, columns = array.shape
    row_stride, column_stride = array.strides
    if column_stride == size and row_stride % size == 0 and row_stride // size >= columns:
        return element, ROW_MAJOR, row_stride // size, array
    if rows > 1 and row_stride == size and column_stride % size == 0 and column_stride // size >= rows:
        return element, COLUMN_MAJOR, column_stride // size, array
    return element, ROW_MAJOR, columns, np.ascontiguousarray(array)


class ArrowSchema(ctypes.Structure):
    """struct ArrowSchema of the Arrow C data interface (filled by pyarrow's _export_to_c)."""
    _fields_ = [("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p), ("flags", ctypes.c_int64),
                ("n_children", ctypes.c_int64), ("children", ctypes.c_void_p), ("dictionary", ctypes.c_void_p),
                ("release", ctypes.c_void_p), ("private_data", ctypes.c_void_p)]


class ArrowArray(ctypes.Structure):
    """struct ArrowArray of the Arrow C data interface."""
    _fields_ = [("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64), ("n_buffers", ctypes.c_int64),
                ("n_children", ctypes.c_int64), ("buffers", ctypes.c_void_p), ("children", ctypes.c_void_p),
                ("dictionary", ctypes.c_void_p), ("release", ctypes.c_void_p), ("private_data", ctypes.c_void_p)]


def is_table(X):
    """Whether X is a pyarrow Table or RecordBatch, or a pandas DataFrame: read by its Arrow columns."""
    module = type(X).__module__
    return module.startswith("pyarrow") and hasattr(X, "column_names") or module.startswith("pandas") and hasattr(X, "columns")


def arrow_table(X):
    """X as a pyarrow Table of float64 and float32 columns: a DataFrame converted by pyarrow (numeric
    columns without missing values are taken over without copying), other numeric columns cast to
    float64 (scikit-learn accepts integers); names made strings."""
    import pyarrow as pa
    if not module_is(X, "pyarrow"):
        X = pa.Table.from_pandas(X, preserve_index=False)
    elif isinstance(X, pa.RecordBatch):
        X = pa.Table.from_batches([X])
    columns = []
    for column in X.columns:
        if not (pa.types.is_float64(column.type) or pa.types.is_float32(column.type)):
            if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_boolean(column.type)):
                raise ValueError(f"column {len(columns)} has Arrow type {column.type}: only numbers can be features")
            column = column.cast(pa.float64())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=[str(name) for name in X.column_names])


def module_is(X, name):
    return type(X).__module__.startswith(name)


def table_matrix(X):
    """The float64 matrix of a table's columns (for predictions, which take rows)."""
    table = arrow_table(X)
    return np.column_stack([column.to_numpy() for column in table.columns]).astype(np.float64, copy=False) if table.num_columns \
        else np.empty((table.num_rows, 0))


class Data:
    """An mbgd_data handle over X (n×p) and y (n or n×k): row-major arrays are borrowed in place
    (kept alive here), others copied by the library; a scipy CSR matrix becomes sparse rows."""

    def __init__(self, X, y, weights=None):
        if hasattr(X, "tocsr") and hasattr(X, "indptr"):
            self._sparse(X.tocsr(), y, weights)
            return
        X = np.asarray(X)
        y = np.asarray(y)
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        if X.dtype == np.float32 and y.dtype != np.float32 or X.dtype != np.float32 and y.dtype == np.float32:
            X, y = X.astype(np.float64), y.astype(np.float64)
        element, layout, ldx, X = _matrix(X)
        if y.dtype != X.dtype:
            y = y.astype(X.dtype)
        if layout == ROW_MAJOR:
            _, y_layout, ldy, y = _matrix(y)
            if y_layout != ROW_MAJOR:
                y, ldy = np.ascontiguousarray(y), y.shape[1]
        else:
            y = np.asfortranarray(y)
            ldy = y.strides[1] // y.itemsize if y.shape[1] > 1 else y.shape[0]
        weights = None if weights is None else np.ascontiguousarray(weights, dtype=np.float64)
        self._keep = (X, y, weights)
        self.handle = _handle()
        ownership = BORROW if layout == ROW_MAJOR else COPY
        check(lib.mbgd_data_create_dense(ABI_VERSION, element, layout, ownership, X.shape[0], X.shape[1], X.ctypes.data, ldx,
                                         y.shape[1], y.ctypes.data, ldy, None if weights is None else weights.ctypes.data,
                                         ctypes.byref(self.handle)))

    @classmethod
    def from_arrow(cls, X, y, weights=None):
        """Rows from a pyarrow Table or RecordBatch or a pandas DataFrame through the Arrow C data
        interface (mbgd_data_create_arrow: the handle keeps the exported columns and reads them in
        place for a solve, copying them into rows for a descent's length), the targets and weights
        added to it as columns of their own."""
        import pyarrow as pa
        table = arrow_table(X)
        y = np.asarray(y)
        targets = y.reshape(len(y), -1)
        features = table.column_names
        if len(set(features)) != len(features):
            raise ValueError(f"the columns' names {features} repeat: name each feature once")
        if len(targets) != table.num_rows:
            raise ValueError(f"y has {len(targets)} rows where X has {table.num_rows}")
        target_dtype = np.float32 if targets.dtype == np.float32 else np.float64
        target_names = [f"__minibatchgd_target_{index}" for index in range(targets.shape[1])]
        for index, name in enumerate(target_names):
            table = table.append_column(name, pa.array(np.ascontiguousarray(targets[:, index], dtype=target_dtype)))
        options = {"target": target_names[0] if len(target_names) == 1 else target_names, "features": features}
        if weights is not None:
            table = table.append_column("__minibatchgd_weights", pa.array(np.asarray(weights, dtype=np.float64)))
            options["weights"] = "__minibatchgd_weights"
        batches = table.combine_chunks().to_batches()
        batch = batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema)
        schema, array = ArrowSchema(), ArrowArray()
        batch._export_to_c(ctypes.addressof(array), ctypes.addressof(schema))
        data = cls.__new__(cls)
        data._keep = None
        data.handle = _handle()
        # The library takes both structures over, as the specification's consumer does: it releases
        # the schema, and moves the array into the handle (which keeps pyarrow's buffers alive
        # until it is freed) or releases it on an error.
        check(lib.mbgd_data_create_arrow(ABI_VERSION, ctypes.addressof(schema), ctypes.addressof(array),
                                         json.dumps(options).encode(), ctypes.byref(data.handle)))
        return data

    def _sparse(self, X, y, weights):
        element = FLOAT32 if X.dtype == np.float32 else FLOAT64
        dtype = np.float32 if element == FLOAT32 else np.float64
        X.sort_indices()
        starts = np.ascontiguousarray(X.indptr, dtype=np.int64)
        columns = np.ascontiguousarray(X.indices, dtype=np.int32)
        values = np.ascontiguousarray(X.data, dtype=dtype)
        y = np.ascontiguousarray(np.asarray(y, dtype=dtype).reshape(X.shape[0], -1))
        weights = None if weights is None else np.ascontiguousarray(weights, dtype=np.float64)
        self._keep = (starts, columns, values, y, weights)
        self.handle = _handle()
        check(lib.mbgd_data_create_csr(ABI_VERSION, element, X.shape[0], X.shape[1], starts.ctypes.data, columns.ctypes.data,
                                       values.ctypes.data, y.shape[1], y.ctypes.data, y.shape[1],
                                       None if weights is None else weights.ctypes.data, ctypes.byref(self.handle)))

    def __del__(self):
        if getattr(self, "handle", None):
            lib.mbgd_data_free(self.handle)


class Model:
    """An mbgd_model handle."""

    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept
        self.handle = _handle()
        check(lib.mbgd_model_create(ABI_VERSION, 1 if fit_intercept else 0, ctypes.byref(self.handle)))

    def __del__(self):
        if getattr(self, "handle", None):
            lib.mbgd_model_free(self.handle)

    def shape(self):
        features, outputs = _i64(), _i64()
        check(lib.mbgd_model_shape(self.handle, ctypes.byref(features), ctypes.byref(outputs)))
        return features.value, outputs.value

    def parameters(self):
        p, k = self.shape()
        coefficients, intercepts = np.empty((p, k)), np.empty(k)
        check(lib.mbgd_model_parameters(self.handle, coefficients.ctypes.data_as(_double_p), p * k,
                                        intercepts.ctypes.data_as(_double_p), k))
        return coefficients, intercepts

    def fit_and_compare(self, data, configuration):
        """Descent and its comparison with the exact solution; Ctrl-C cancels it (through the
        progress callback) and raises KeyboardInterrupt once the library has stopped."""
        comparison = Comparison()
        interrupted = threading.Event()

        @PROGRESS
        def progress(_report, _user_data):
            return 1 if interrupted.is_set() else 0

        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, lambda *_: interrupted.set())
        try:
            status = lib.mbgd_model_fit_and_compare(self.handle, data.handle, configuration, progress, None, ctypes.byref(comparison))
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if status == CANCELLED and interrupted.is_set():
            raise KeyboardInterrupt
        check(status)
        return comparison, last_error() if status == NOT_CONVERGED else ""

    def solve(self, data, configuration):
        check(lib.mbgd_model_solve(self.handle, data.handle, configuration))

    def predict(self, X):
        element, layout, ldx, X = _matrix(np.asarray(X))
        _, k = self.shape()
        out = np.empty((X.shape[0], k))
        check(lib.mbgd_model_predict(self.handle, element, layout, X.shape[0], X.shape[1], X.ctypes.data, ldx,
                                     out.ctypes.data_as(_double_p), out.size))
        return out

    def intervals(self, X, level):
        element, layout, ldx, X = _matrix(np.asarray(X))
        _, k = self.shape()
        out = np.empty((X.shape[0] * k, INTERVAL_COLUMNS))
        check(lib.mbgd_model_prediction_intervals(self.handle, element, layout, X.shape[0], X.shape[1], X.ctypes.data, ldx,
                                                  level, out.ctypes.data_as(_double_p), out.size))
        return out

    def table(self, target=0):
        """The statistics table: one row per estimate (the intercept first), statsmodels' columns."""
        p, _ = self.shape()
        out = np.empty((p + (1 if self.fit_intercept else 0), TABLE_COLUMNS))
        check(lib.mbgd_model_coefficient_table(self.handle, target, out.ctypes.data_as(_double_p), out.size))
        return out

    def statistics(self, target=0):
        statistics = FitStatistics()
        check(lib.mbgd_model_fit_statistics(self.handle, target, ctypes.byref(statistics)))
        return statistics

    def summary(self):
        needed = ctypes.c_size_t()
        check(lib.mbgd_model_summary(self.handle, None, 0, ctypes.byref(needed)))
        buffer = ctypes.create_string_buffer(needed.value)
        check(lib.mbgd_model_summary(self.handle, buffer, needed.value, None))
        return buffer.value.decode()


class Online:
    """An mbgd_online handle: online descent on chunks of rows, each seen once. Pickled (and
    deep-copied) with its whole state through mbgd_online_state: the copy continues with the
    bits of the original."""

    def __init__(self, configuration, features, outputs, fit_intercept=True):
        self.features, self.outputs = features, outputs
        self._arguments = (configuration, features, outputs, fit_intercept)
        self.handle = _handle()
        check(lib.mbgd_online_create(ABI_VERSION, configuration, features, outputs, 1 if fit_intercept else 0,
                                     ctypes.byref(self.handle)))

    def __del__(self):
        if getattr(self, "handle", None):
            lib.mbgd_online_free(self.handle)

    def __reduce__(self):
        return _restored_online, (*self._arguments, self.state())

    def plan(self, data):
        """Takes the standardization and the automatic learning rate from a dense Data instead of
        the first chunk (nothing once planned)."""
        check(lib.mbgd_online_plan(self.handle, data.handle))

    def state(self):
        """The trainer's whole state as bytes (mbgd_online_state)."""
        needed = ctypes.c_size_t()
        check(lib.mbgd_online_state(self.handle, None, 0, ctypes.byref(needed)))
        buffer = ctypes.create_string_buffer(needed.value)
        check(lib.mbgd_online_state(self.handle, buffer, needed.value, None))
        return buffer.raw

    def restore(self, state):
        """Replaces the trainer's state with bytes state() returned (of a trainer made alike)."""
        check(lib.mbgd_online_restore(self.handle, state, len(state)))

    def partial_fit(self, data):
        """Trains on the rows of a dense Data; the chunk's progressive loss."""
        loss = ctypes.c_double()
        check(lib.mbgd_online_partial_fit(self.handle, data.handle, ctypes.byref(loss)))
        return loss.value

    def parameters(self):
        p, k = self.features, self.outputs
        coefficients, intercepts = np.empty((p, k)), np.empty(k)
        check(lib.mbgd_online_parameters(self.handle, coefficients.ctypes.data_as(_double_p), p * k,
                                         intercepts.ctypes.data_as(_double_p), k))
        return coefficients, intercepts

    def progressive_loss(self):
        """The progressive validation loss of every row so far (NaN before any)."""
        loss = ctypes.c_double()
        check(lib.mbgd_online_progressive_loss(self.handle, ctypes.byref(loss)))
        return loss.value

    def counts(self):
        """(rows trained on, updates) so far."""
        rows, updates = _i64(), _i64()
        check(lib.mbgd_online_rows(self.handle, ctypes.byref(rows)))
        check(lib.mbgd_online_updates(self.handle, ctypes.byref(updates)))
        return rows.value, updates.value


def _restored_online(configuration, features, outputs, fit_intercept, state):
    """An Online made as the pickled one was, its state restored (unpickling)."""
    online = Online(configuration, features, outputs, fit_intercept)
    online.restore(state)
    return online
