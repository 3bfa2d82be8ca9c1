#include <math.h>
#include <string.h>

#include "trainer_kernels.h"

/* glibc declares its vector expf (libmvec) only under -ffast-math; declaring it here lets gcc
 * vectorize the softmax with -fno-math-errno alone, keeping IEEE semantics everywhere else. */
__attribute__((__simd__("notinbranch"))) float expf(float);

TRAINER_INLINE double row_weight(const int32_t *restrict labels, const float *restrict class_weights,
                         const float *restrict sample_weights, int64_t i) {
    double w = 1.0;
    if (class_weights) w *= class_weights[labels[i]];
    if (sample_weights) w *= sample_weights[i];
    return w;
}

TRAINER_INLINE float row_max(const float *restrict z, int64_t c) {
    float m = -INFINITY;
#pragma omp simd reduction(max : m)
    for (int64_t k = 0; k < c; k++) m = z[k] > m ? z[k] : m;
    return m;
}

/*
 * With q = (1 - s) onehot(y) + s / c and lse = log sum exp z, the row loss
 * -sum q_k (z_k - lse) folds to lse - (1 - s) z_y - (s / c) sum z, and its gradient is
 * softmax(z) - q. The row's exponentials are parked in d_logits (the row is in L1) and
 * rescaled in place, so each logit is read from memory once.
 */
TRAINER_KERNEL
double trainer_softmax_cross_entropy(const float *restrict logits, const int32_t *restrict labels,
                                     int64_t n, int64_t c, const float *restrict class_weights,
                                     const float *restrict sample_weights, float label_smoothing,
                                     int32_t ignore_index, float *restrict d_logits) {
    double weight_sum = 0.0;
    for (int64_t i = 0; i < n; i++)
        if (labels[i] != ignore_index) weight_sum += row_weight(labels, class_weights, sample_weights, i);
    if (weight_sum == 0.0) {
        if (n * c > 0) memset(d_logits, 0, (size_t)(n * c) * sizeof(float));
        return 0.0;
    }

    const double s = label_smoothing;
    double loss_sum = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const float *restrict z = logits + i * c;
        float *restrict d = d_logits + i * c;
        const int32_t y = labels[i];
        if (y == ignore_index) {
            if (c > 0) memset(d, 0, (size_t)c * sizeof(float));
            continue;
        }
        const double w = row_weight(labels, class_weights, sample_weights, i);
        const float m = row_max(z, c);
        double exp_sum = 0.0, logit_sum = 0.0;
#pragma omp simd reduction(+ : exp_sum, logit_sum)
        for (int64_t k = 0; k < c; k++) {
            const float e = expf(z[k] - m);
            d[k] = e;
            exp_sum += e;
            logit_sum += z[k];
        }
        const double lse = m + log(exp_sum);
        loss_sum += w * (lse - (1.0 - s) * z[y] - s / (double)c * logit_sum);

        const double grad_scale = w / weight_sum;
        const float p_scale = (float)(grad_scale / exp_sum);
        const float q_floor = (float)(grad_scale * s / (double)c);
#pragma omp simd
        for (int64_t k = 0; k < c; k++) d[k] = d[k] * p_scale - q_floor;
        d[y] -= (float)(grad_scale * (1.0 - s));
    }
    return loss_sum / weight_sum;
}

TRAINER_KERNEL
double trainer_mean_squared_error(const float *restrict predictions, const float *restrict targets,
                                  int64_t count, float *restrict d_predictions) {
    if (count == 0) return 0.0;
    const float grad_scale = (float)(2.0 / (double)count);
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < count; i++) {
        const float diff = predictions[i] - targets[i];
        sum += (double)diff * diff;
        d_predictions[i] = diff * grad_scale;
    }
    return sum / (double)count;
}
