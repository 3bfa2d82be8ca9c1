#include <math.h>

#include "reduce.cuh"
#include "trainer_cuda.h"
#include "trainer_cuda_math.h"

/* Penalties, the gradient norm and scaling: element-wise passes with grid-wide double sums. */

namespace {

struct L1 {
    const float *params;
    float *grads;
    float lambda;
    __device__ double operator()(int64_t i) const { return trainer_l1_at(params[i], grads + i, lambda); }
};

struct L2 {
    const float *params;
    float *grads;
    float lambda;
    __device__ double operator()(int64_t i) const { return trainer_l2_at(params[i], grads + i, lambda); }
};

struct Square {
    const float *values;
    __device__ double operator()(int64_t i) const { return trainer_square(values[i]); }
};

__global__ void scale_by(float *values, int64_t count, float factor) {
    const int64_t stride = (int64_t)gridDim.x * TRAINER_BLOCK;
    for (int64_t i = (int64_t)blockIdx.x * TRAINER_BLOCK + threadIdx.x; i < count; i += stride) values[i] *= factor;
}

/* BLAS's axpby; with beta 0 the old y is not read (a running mean starts over whatever y held). */
__global__ void axpby_into(const float *x, float *y, int64_t count, float alpha, float beta) {
    const int64_t stride = (int64_t)gridDim.x * TRAINER_BLOCK;
    for (int64_t i = (int64_t)blockIdx.x * TRAINER_BLOCK + threadIdx.x; i < count; i += stride)
        y[i] = trainer_axpby_at(x[i], y[i], alpha, beta);
}

/* Enough blocks to fill an H200 several times over; each thread strides over the rest. */
constexpr int64_t ELEMENTWISE_BLOCKS = 8192;

}  // namespace

TRAINER_CUDA_API int trainer_cuda_l1_penalty(const float *params, float *grads, int64_t count, float lambda,
                                             double *scratch, cudaStream_t stream) {
    return trainer_reduce(count, L1{params, grads, lambda}, (double)lambda, 1.0, scratch, stream);
}

TRAINER_CUDA_API int trainer_cuda_l2_penalty(const float *params, float *grads, int64_t count, float lambda,
                                             double *scratch, cudaStream_t stream) {
    return trainer_reduce(count, L2{params, grads, lambda}, 0.5 * lambda, 1.0, scratch, stream);
}

TRAINER_CUDA_API int trainer_cuda_sum_of_squares(const float *values, int64_t count, double *scratch,
                                                 cudaStream_t stream) {
    return trainer_reduce(count, Square{values}, 1.0, 1.0, scratch, stream);
}

TRAINER_CUDA_API int trainer_cuda_scale(float *values, int64_t count, float factor, cudaStream_t stream) {
    const unsigned blocks = trainer_blocks(count, ELEMENTWISE_BLOCKS);
    if (blocks > 0) scale_by<<<blocks, TRAINER_BLOCK, 0, stream>>>(values, count, factor);
    return trainer_launch_status();
}

TRAINER_CUDA_API int trainer_cuda_axpby(const float *x, float *y, int64_t count, float alpha, float beta,
                                        cudaStream_t stream) {
    const unsigned blocks = trainer_blocks(count, ELEMENTWISE_BLOCKS);
    if (blocks > 0) axpby_into<<<blocks, TRAINER_BLOCK, 0, stream>>>(x, y, count, alpha, beta);
    return trainer_launch_status();
}
