#ifndef MINIBATCHGD_CMPI_SHIM_H
#define MINIBATCHGD_CMPI_SHIM_H

// Open MPI's handles (MPI_COMM_WORLD, MPI_DOUBLE, MPI_SUM, ...) are macros over the addresses of
// library globals, which Swift cannot import: these functions hand them over. The header is found
// through pkg-config's include path (`pkg-config --cflags ompi-c`).
#include <mpi.h>

static inline MPI_Comm mbgd_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype mbgd_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op mbgd_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op mbgd_mpi_max(void) { return MPI_MAX; }
static inline void *mbgd_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int mbgd_mpi_success(void) { return MPI_SUCCESS; }
static inline int mbgd_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline MPI_Datatype mbgd_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype mbgd_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Status *mbgd_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }

#endif
