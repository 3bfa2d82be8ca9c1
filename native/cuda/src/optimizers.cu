#include "reduce.cuh"
#include "trainer_cuda.h"
#include "trainer_cuda_math.h"

/* The optimizer updates, one thread per element (striding), in place. */

namespace {

constexpr int64_t ELEMENTWISE_BLOCKS = 8192;

__global__ void sgd(float *params, const float *grads, float *velocity, int64_t count, float lr, float momentum,
                    bool nesterov, float weight_decay) {
    const int64_t stride = (int64_t)gridDim.x * TRAINER_BLOCK;
    for (int64_t i = (int64_t)blockIdx.x * TRAINER_BLOCK + threadIdx.x; i < count; i += stride) {
        float unused = 0.0f;
        trainer_sgd_at(params + i, grads[i], velocity ? velocity + i : &unused, lr, momentum, nesterov, weight_decay);
    }
}

__global__ void adam(float *params, const float *grads, float *m, float *v, int64_t count, trainer_adam_scalars a) {
    const int64_t stride = (int64_t)gridDim.x * TRAINER_BLOCK;
    for (int64_t i = (int64_t)blockIdx.x * TRAINER_BLOCK + threadIdx.x; i < count; i += stride) {
        trainer_adam_at(params + i, grads[i], m + i, v + i, a);
    }
}

}  // namespace

TRAINER_CUDA_API int trainer_cuda_sgd(float *params, const float *grads, float *velocity, int64_t count, float lr,
                                      float momentum, bool nesterov, float weight_decay, cudaStream_t stream) {
    const unsigned blocks = trainer_blocks(count, ELEMENTWISE_BLOCKS);
    if (blocks > 0) {
        sgd<<<blocks, TRAINER_BLOCK, 0, stream>>>(params, grads, momentum == 0.0f ? nullptr : velocity, count, lr,
                                                  momentum, nesterov, weight_decay);
    }
    return trainer_launch_status();
}

TRAINER_CUDA_API int trainer_cuda_adam(float *params, const float *grads, float *m, float *v, int64_t count,
                                       float lr, float beta1, float beta2, float epsilon, float weight_decay,
                                       bool decoupled, int64_t step, cudaStream_t stream) {
    const trainer_adam_scalars a = trainer_adam_prepare(lr, beta1, beta2, epsilon, weight_decay, decoupled, step);
    const unsigned blocks = trainer_blocks(count, ELEMENTWISE_BLOCKS);
    if (blocks > 0) adam<<<blocks, TRAINER_BLOCK, 0, stream>>>(params, grads, m, v, count, a);
    return trainer_launch_status();
}
