/* Launch geometry and block-wide reductions shared by the kernels (internal to the library). */
#ifndef TRAINER_CUDA_REDUCE_CUH
#define TRAINER_CUDA_REDUCE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "trainer_cuda.h"

/* Threads per block everywhere: a power of two, which the tree reductions below rely on. */
constexpr int TRAINER_BLOCK = 256;
/* Most blocks a grid-wide sum uses: their partial sums fit the scratch after the results. */
constexpr int TRAINER_MAX_PARTIALS = 1024;
/* Scratch doubles before the partial sums: the results and the cross-entropy's weight sum. */
constexpr int64_t TRAINER_PARTIALS_AT = 8;
constexpr int64_t TRAINER_WEIGHT_SUM_AT = TRAINER_CUDA_RESULTS;
/* Blocks that share one slot of the per-slot statistics. */
constexpr int TRAINER_SLOT_BLOCKS = 16;

/* Blocks for an element-wise pass over count elements, each thread striding over the rest. */
inline unsigned trainer_blocks(int64_t count, int64_t max_blocks) {
    const int64_t blocks = (count + TRAINER_BLOCK - 1) / TRAINER_BLOCK;
    return (unsigned)(blocks < max_blocks ? blocks : max_blocks);
}

/* The error of the launches just queued. */
inline int trainer_launch_status() { return (int)cudaGetLastError(); }

/*
 * Combines one value per thread with op, always in the same tree order, so a result never
 * depends on scheduling. Every thread of the block must call it; all get the result.
 */
template <typename T, typename Op>
__device__ T trainer_block_reduce(T value, Op op) {
    __shared__ T shared[TRAINER_BLOCK];
    shared[threadIdx.x] = value;
    __syncthreads();
    for (int stride = TRAINER_BLOCK / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) shared[threadIdx.x] = op(shared[threadIdx.x], shared[threadIdx.x + stride]);
        __syncthreads();
    }
    const T result = shared[0];
    __syncthreads();
    return result;
}

struct TrainerSum {
    template <typename T>
    __device__ T operator()(T a, T b) const { return a + b; }
};

/*
 * A grid-wide sum of f(i) over [0, count), in double: one partial per block, written to
 * partials[blockIdx.x]; trainer_finish_sum adds them in order.
 */
template <typename F>
__global__ void trainer_sum_partials(int64_t count, F f, double *partials) {
    double sum = 0.0;
    const int64_t stride = (int64_t)gridDim.x * TRAINER_BLOCK;
    for (int64_t i = (int64_t)blockIdx.x * TRAINER_BLOCK + threadIdx.x; i < count; i += stride) sum += f(i);
    sum = trainer_block_reduce(sum, TrainerSum());
    if (threadIdx.x == 0) partials[blockIdx.x] = sum;
}

/* result = multiplier * (sum of the partials) / divisor, written by one block. */
static __global__ void trainer_finish_sum(const double *partials, int64_t partial_count, double multiplier,
                                          double divisor, double *result) {
    double sum = 0.0;
    for (int64_t i = threadIdx.x; i < partial_count; i += TRAINER_BLOCK) sum += partials[i];
    sum = trainer_block_reduce(sum, TrainerSum());
    if (threadIdx.x == 0) *result = multiplier * sum / divisor;
}

/* Queues the two passes of a grid-wide sum of f over count elements into scratch[VALUE]. */
template <typename F>
int trainer_reduce(int64_t count, F f, double multiplier, double divisor, double *scratch, cudaStream_t stream) {
    const unsigned blocks = trainer_blocks(count, TRAINER_MAX_PARTIALS);
    if (blocks > 0) trainer_sum_partials<<<blocks, TRAINER_BLOCK, 0, stream>>>(count, f, scratch + TRAINER_PARTIALS_AT);
    trainer_finish_sum<<<1, TRAINER_BLOCK, 0, stream>>>(scratch + TRAINER_PARTIALS_AT, blocks, multiplier, divisor,
                                                         scratch + TRAINER_CUDA_RESULT_VALUE);
    return trainer_launch_status();
}

#endif
