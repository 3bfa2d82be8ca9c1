#include "reduce.cuh"
#include "trainer_cuda.h"
#include "trainer_cuda_math.h"

TRAINER_CUDA_API int trainer_cuda_version(void) { return TRAINER_CUDA_ABI_VERSION; }

/* The larger of: results, weight sum and one partial per row or block; per-slot results and partials. */
TRAINER_CUDA_API int64_t trainer_cuda_scratch_doubles(int64_t rows, int64_t slots) {
    const int64_t sums = TRAINER_PARTIALS_AT + (rows > TRAINER_MAX_PARTIALS ? rows : TRAINER_MAX_PARTIALS);
    const int64_t statistics = slots * TRAINER_STATS * (1 + TRAINER_SLOT_BLOCKS);
    return sums > statistics ? sums : statistics;
}
