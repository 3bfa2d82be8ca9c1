/*
 * A stand-in for libnccl.so.2, for the tests of trainer's NCCL binding on machines without a GPU:
 * the same exported names and C signatures as nccl.h, a communicator of one rank, host memory in
 * place of device memory. It records what each call received, so that a test can check that the
 * FFM descriptors pass every argument where the C side expects it (the 128-byte unique id by
 * value above all). It computes nothing: a sum over one rank leaves the buffer as it is.
 */
#include <stddef.h>
#include <string.h>

#define ID_BYTES 128
enum { SUCCESS = 0, INVALID_ARGUMENT = 4, FLOAT32 = 7, SUM = 0 };

typedef struct { char internal[ID_BYTES]; } ncclUniqueId;

typedef struct {
    int ranks;
    int rank;
    int open;
    char id[ID_BYTES];
} stub_comm;

static stub_comm comm_of_one;

/* The last collective's arguments: count, type, operation or root, same buffer, stream. */
static long long last[5];

/* The id ncclGetUniqueId hands out: no byte repeats within 128, and none is zero. */
static char id_byte(int i) {
    return (char) (i * 7 + 3);
}

int ncclGetVersion(int *version) {
    *version = 22703;
    return SUCCESS;
}

int ncclGetUniqueId(ncclUniqueId *id) {
    for (int i = 0; i < ID_BYTES; i++) {
        id->internal[i] = id_byte(i);
    }
    return SUCCESS;
}

int ncclCommInitRank(stub_comm **comm, int ranks, ncclUniqueId id, int rank) {
    if (ranks != 1 || rank != 0) {
        return INVALID_ARGUMENT;
    }
    comm_of_one.ranks = ranks;
    comm_of_one.rank = rank;
    comm_of_one.open = 1;
    memcpy(comm_of_one.id, id.internal, ID_BYTES);
    *comm = &comm_of_one;
    return SUCCESS;
}

static int record(const void *send, void *recv, size_t count, int type, int op_or_root, stub_comm *comm,
                  void *stream) {
    last[0] = (long long) count;
    last[1] = type;
    last[2] = op_or_root;
    last[3] = send == recv;
    last[4] = (long long) (size_t) stream;
    return comm == &comm_of_one && comm->open && type == FLOAT32 ? SUCCESS : INVALID_ARGUMENT;
}

int ncclAllReduce(const void *send, void *recv, size_t count, int type, int op, stub_comm *comm, void *stream) {
    int result = record(send, recv, count, type, op, comm, stream);
    return result == SUCCESS && op != SUM ? INVALID_ARGUMENT : result;
}

int ncclBroadcast(const void *send, void *recv, size_t count, int type, int root, stub_comm *comm, void *stream) {
    return record(send, recv, count, type, root, comm, stream);
}

int ncclCommDestroy(stub_comm *comm) {
    if (comm != &comm_of_one || !comm->open) {
        return INVALID_ARGUMENT;
    }
    comm->open = 0;
    return SUCCESS;
}

int ncclCommAbort(stub_comm *comm) {
    return ncclCommDestroy(comm);
}

const char *ncclGetErrorString(int result) {
    return result == INVALID_ARGUMENT ? "invalid argument (run with NCCL_DEBUG=WARN for details)" : "stub error";
}

/* For the tests: whether the communicator got the id ncclGetUniqueId handed out, byte for byte. */
int nccl_stub_id_received(void) {
    for (int i = 0; i < ID_BYTES; i++) {
        if (comm_of_one.id[i] != id_byte(i)) {
            return 0;
        }
    }
    return 1;
}

/* For the tests: the last collective's arguments, as listed at `last`. */
void nccl_stub_last_call(long long *out) {
    memcpy(out, last, sizeof last);
}

/* For the tests: whether the communicator is open (built and not yet destroyed). */
int nccl_stub_open(void) {
    return comm_of_one.open;
}
