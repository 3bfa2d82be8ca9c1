#include <math.h>

#include "reduce.cuh"
#include "trainer_cuda.h"
#include "trainer_cuda_math.h"

/*
 * Cross-entropy in three passes: one block sums the row weights and checks every label; one block
 * per row computes its loss and gradient; one block adds the row losses in row-tree order. The
 * accuracy's hits in two, as the row losses; mixup's blend element-wise.
 */

namespace {

struct TrainerMin {
    __device__ long long operator()(long long a, long long b) const { return a < b ? a : b; }
};

struct TrainerMax {
    /* As native/src's row_max: a NaN logit never becomes the maximum. */
    __device__ float operator()(float a, float b) const { return b > a ? b : a; }
};

__global__ void weigh_rows(const int32_t *labels, int64_t n, int64_t c, const float *class_weights,
                           const float *sample_weights, int32_t ignore_index, double *scratch) {
    double weight_sum = 0.0, bad = 0.0;
    long long first_bad = n;
    for (int64_t i = threadIdx.x; i < n; i += TRAINER_BLOCK) {
        const int32_t y = labels[i];
        if (!trainer_ce_label_valid(y, c, ignore_index)) {
            bad += 1.0;
            first_bad = first_bad < i ? first_bad : i;
        } else if (y != ignore_index) {
            weight_sum += trainer_ce_row_weight(labels, class_weights, sample_weights, i);
        }
    }
    weight_sum = trainer_block_reduce(weight_sum, TrainerSum());
    bad = trainer_block_reduce(bad, TrainerSum());
    first_bad = trainer_block_reduce(first_bad, TrainerMin());
    if (threadIdx.x == 0) {
        scratch[TRAINER_WEIGHT_SUM_AT] = weight_sum;
        scratch[TRAINER_CUDA_RESULT_BAD_LABELS] = bad;
        scratch[TRAINER_CUDA_RESULT_BAD_ROW] = bad > 0 ? (double)first_bad : -1.0;
        scratch[TRAINER_CUDA_RESULT_BAD_LABEL] = bad > 0 ? (double)labels[first_bad] : 0.0;
    }
}

__global__ void row_losses(const float *logits, const int32_t *labels, int64_t c, const float *class_weights,
                           const float *sample_weights, float label_smoothing, int32_t ignore_index,
                           float *d_logits, double *scratch) {
    const int64_t row = blockIdx.x;
    const float *z = logits + row * c;
    float *d = d_logits + row * c;
    double *row_loss = scratch + TRAINER_PARTIALS_AT + row;
    if (scratch[TRAINER_CUDA_RESULT_BAD_LABELS] > 0) return;
    const int32_t y = labels[row];
    const double weight_sum = scratch[TRAINER_WEIGHT_SUM_AT];
    if (weight_sum == 0.0 || y == ignore_index) {
        for (int64_t k = threadIdx.x; k < c; k += TRAINER_BLOCK) d[k] = 0.0f;
        if (threadIdx.x == 0) *row_loss = 0.0;
        return;
    }
    float m = -INFINITY;
    for (int64_t k = threadIdx.x; k < c; k += TRAINER_BLOCK) m = TrainerMax()(m, z[k]);
    m = trainer_block_reduce(m, TrainerMax());
    double exp_sum = 0.0, logit_sum = 0.0;
    for (int64_t k = threadIdx.x; k < c; k += TRAINER_BLOCK) {
        exp_sum += expf(z[k] - m);
        logit_sum += z[k];
    }
    exp_sum = trainer_block_reduce(exp_sum, TrainerSum());
    logit_sum = trainer_block_reduce(logit_sum, TrainerSum());
    const double w = trainer_ce_row_weight(labels, class_weights, sample_weights, row);
    const double lse = m + log(exp_sum);
    if (threadIdx.x == 0) *row_loss = trainer_ce_row_loss(w, lse, z[y], logit_sum, label_smoothing, c);
    const trainer_ce_gradient g = trainer_ce_gradient_scalars(w, weight_sum, exp_sum, label_smoothing, c);
    for (int64_t k = threadIdx.x; k < c; k += TRAINER_BLOCK) d[k] = trainer_ce_gradient_at(expf(z[k] - m), g, k == y);
}

__global__ void mean_loss(int64_t n, double *scratch) {
    double sum = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += TRAINER_BLOCK) sum += scratch[TRAINER_PARTIALS_AT + i];
    sum = trainer_block_reduce(sum, TrainerSum());
    if (threadIdx.x == 0) {
        const double weight_sum = scratch[TRAINER_WEIGHT_SUM_AT];
        const bool usable = scratch[TRAINER_CUDA_RESULT_BAD_LABELS] == 0 && weight_sum != 0.0;
        scratch[TRAINER_CUDA_RESULT_VALUE] = usable ? sum / weight_sum : 0.0;
    }
}

struct ArgmaxPick {
    __device__ trainer_argmax operator()(trainer_argmax a, trainer_argmax b) const { return trainer_argmax_pick(a, b); }
};

/* One block per row: 1 in the row's partial when its predicted class is its label. */
__global__ void row_hits(const float *logits, const int32_t *labels, int64_t c, double *scratch) {
    const int64_t row = blockIdx.x;
    const float *z = logits + row * c;
    trainer_argmax best = {0.0f, -1};
    for (int64_t k = threadIdx.x; k < c; k += TRAINER_BLOCK) {
        if (z[k] == z[k]) best = trainer_argmax_pick(best, trainer_argmax{z[k], k});
    }
    best = trainer_block_reduce(best, ArgmaxPick());
    if (threadIdx.x == 0) {
        const bool hit = c > 0 && trainer_predicted_class(best, z[0]) == labels[row];
        scratch[TRAINER_PARTIALS_AT + row] = hit ? 1.0 : 0.0;
    }
}

__global__ void sum_hits(int64_t n, double *scratch) {
    double sum = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += TRAINER_BLOCK) sum += scratch[TRAINER_PARTIALS_AT + i];
    sum = trainer_block_reduce(sum, TrainerSum());
    if (threadIdx.x == 0) scratch[TRAINER_CUDA_RESULT_VALUE] = sum;
}

__global__ void blend(float *into, const float *other, int64_t count, double weight) {
    const int64_t stride = (int64_t)gridDim.x * TRAINER_BLOCK;
    for (int64_t i = (int64_t)blockIdx.x * TRAINER_BLOCK + threadIdx.x; i < count; i += stride) {
        into[i] = trainer_blend_at(into[i], other[i], weight);
    }
}

constexpr int64_t ELEMENTWISE_BLOCKS = 8192;

/* Adds diff^2 and writes the gradient of element i. */
struct SquaredError {
    const float *predictions, *targets;
    float *d_predictions;
    float grad_scale;
    __device__ double operator()(int64_t i) const {
        return trainer_mse_at(predictions[i], targets[i], grad_scale, d_predictions + i);
    }
};

}  // namespace

TRAINER_CUDA_API int trainer_cuda_softmax_cross_entropy(const float *logits, const int32_t *labels, int64_t n,
                                                        int64_t c, const float *class_weights,
                                                        const float *sample_weights, float label_smoothing,
                                                        int32_t ignore_index, float *d_logits, double *scratch,
                                                        cudaStream_t stream) {
    weigh_rows<<<1, TRAINER_BLOCK, 0, stream>>>(labels, n, c, class_weights, sample_weights, ignore_index, scratch);
    if (n > 0) {
        row_losses<<<(unsigned)n, TRAINER_BLOCK, 0, stream>>>(logits, labels, c, class_weights, sample_weights,
                                                              label_smoothing, ignore_index, d_logits, scratch);
    }
    mean_loss<<<1, TRAINER_BLOCK, 0, stream>>>(n, scratch);
    return trainer_launch_status();
}

TRAINER_CUDA_API int trainer_cuda_count_correct(const float *logits, const int32_t *labels, int64_t n, int64_t c,
                                                double *scratch, cudaStream_t stream) {
    if (n > 0) row_hits<<<(unsigned)n, TRAINER_BLOCK, 0, stream>>>(logits, labels, c, scratch);
    sum_hits<<<1, TRAINER_BLOCK, 0, stream>>>(n, scratch);
    return trainer_launch_status();
}

TRAINER_CUDA_API int trainer_cuda_blend(float *into, const float *other, int64_t count, double weight,
                                        cudaStream_t stream) {
    const unsigned blocks = trainer_blocks(count, ELEMENTWISE_BLOCKS);
    if (blocks > 0) blend<<<blocks, TRAINER_BLOCK, 0, stream>>>(into, other, count, weight);
    return trainer_launch_status();
}

TRAINER_CUDA_API int trainer_cuda_mean_squared_error(const float *predictions, const float *targets, int64_t count,
                                                     float *d_predictions, double *scratch, cudaStream_t stream) {
    const float grad_scale = count == 0 ? 0.0f : (float)(2.0 / (double)count);
    SquaredError f{predictions, targets, d_predictions, grad_scale};
    return trainer_reduce(count, f, 1.0, count == 0 ? 1.0 : (double)count, scratch, stream);
}
