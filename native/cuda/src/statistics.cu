#include "reduce.cuh"
#include "trainer_cuda.h"
#include "trainer_cuda_math.h"

/*
 * Per-slot monitor sums: TRAINER_SLOT_BLOCKS blocks per slot each reduce a strided share of the slot to
 * one partial; one thread per slot then merges its partials in block order.
 */

namespace {

struct TrainerMaxNan {
    __device__ double operator()(double a, double b) const { return trainer_max_nan(a, b); }
};

__global__ void slot_partials(const float *values, const float *grads, const float *before, const int64_t *offsets,
                              const int64_t *counts, double *partials) {
    const int64_t slot = blockIdx.x;
    const int64_t begin = offsets[slot];
    const int64_t end = begin + counts[slot];
    double s[TRAINER_STATS] = {0.0, 0.0, 0.0, 0.0, 0.0};
    const int64_t stride = (int64_t)TRAINER_SLOT_BLOCKS * TRAINER_BLOCK;
    for (int64_t i = begin + (int64_t)blockIdx.y * TRAINER_BLOCK + threadIdx.x; i < end; i += stride) {
        trainer_stats_add(s, values[i], grads[i], before ? before + i : nullptr);
    }
    double *out = partials + (slot * TRAINER_SLOT_BLOCKS + blockIdx.y) * TRAINER_STATS;
    for (int k = 0; k < TRAINER_STAT_MAX_ABS; k++) {
        const double total = trainer_block_reduce(s[k], TrainerSum());
        if (threadIdx.x == 0) out[k] = total;
    }
    const double max_abs = trainer_block_reduce(s[TRAINER_STAT_MAX_ABS], TrainerMaxNan());
    if (threadIdx.x == 0) out[TRAINER_STAT_MAX_ABS] = max_abs;
}

__global__ void merge_slots(const double *partials, int64_t slots, double *results) {
    const int64_t slot = (int64_t)blockIdx.x * TRAINER_BLOCK + threadIdx.x;
    if (slot >= slots) return;
    double s[TRAINER_STATS] = {0.0, 0.0, 0.0, 0.0, 0.0};
    for (int b = 0; b < TRAINER_SLOT_BLOCKS; b++) trainer_stats_merge(s, partials + (slot * TRAINER_SLOT_BLOCKS + b) * TRAINER_STATS);
    for (int k = 0; k < TRAINER_STATS; k++) results[slot * TRAINER_STATS + k] = s[k];
}

}  // namespace

TRAINER_CUDA_API int trainer_cuda_slot_statistics(const float *values, const float *grads, const float *before,
                                                  const int64_t *offsets, const int64_t *counts, int64_t slots,
                                                  double *scratch, cudaStream_t stream) {
    if (slots == 0) return trainer_launch_status();
    double *partials = scratch + slots * TRAINER_STATS;
    slot_partials<<<dim3((unsigned)slots, TRAINER_SLOT_BLOCKS), TRAINER_BLOCK, 0, stream>>>(values, grads, before, offsets,
                                                                                   counts, partials);
    merge_slots<<<trainer_blocks(slots, 1 << 30), TRAINER_BLOCK, 0, stream>>>(partials, slots, scratch);
    return trainer_launch_status();
}
