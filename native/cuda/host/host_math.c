/*
 * The CUDA kernels' arithmetic (../src/trainer_cuda_math.h) run on the host, one element after
 * another, for the Java tests: every formula a CUDA kernel applies is checked against JavaKernels
 * here, on machines without a GPU. Only the order of the double sums differs from the device,
 * which reduces in trees.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "../src/trainer_cuda_math.h"

double trainer_cuda_host_softmax_cross_entropy(const float *logits, const int32_t *labels, int64_t n, int64_t c,
                                               const float *class_weights, const float *sample_weights,
                                               float label_smoothing, int32_t ignore_index, float *d_logits) {
    double weight_sum = 0.0;
    for (int64_t i = 0; i < n; i++)
        if (labels[i] != ignore_index) weight_sum += trainer_ce_row_weight(labels, class_weights, sample_weights, i);
    double loss_sum = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const float *z = logits + i * c;
        float *d = d_logits + i * c;
        const int32_t y = labels[i];
        if (weight_sum == 0.0 || y == ignore_index) {
            for (int64_t k = 0; k < c; k++) d[k] = 0.0f;
            continue;
        }
        float m = -INFINITY;
        for (int64_t k = 0; k < c; k++) m = z[k] > m ? z[k] : m;
        double exp_sum = 0.0, logit_sum = 0.0;
        for (int64_t k = 0; k < c; k++) {
            exp_sum += expf(z[k] - m);
            logit_sum += z[k];
        }
        const double w = trainer_ce_row_weight(labels, class_weights, sample_weights, i);
        loss_sum += trainer_ce_row_loss(w, m + log(exp_sum), z[y], logit_sum, label_smoothing, c);
        const trainer_ce_gradient g = trainer_ce_gradient_scalars(w, weight_sum, exp_sum, label_smoothing, c);
        for (int64_t k = 0; k < c; k++) d[k] = trainer_ce_gradient_at(expf(z[k] - m), g, k == y);
    }
    return weight_sum == 0.0 ? 0.0 : loss_sum / weight_sum;
}

double trainer_cuda_host_mean_squared_error(const float *predictions, const float *targets, int64_t count,
                                            float *d_predictions) {
    const float grad_scale = count == 0 ? 0.0f : (float)(2.0 / (double)count);
    double sum = 0.0;
    for (int64_t i = 0; i < count; i++) sum += trainer_mse_at(predictions[i], targets[i], grad_scale, d_predictions + i);
    return count == 0 ? 0.0 : sum / (double)count;
}

/* The hits of trainer_cuda_count_correct, each row's candidates combined one column after another. */
double trainer_cuda_host_count_correct(const float *logits, const int32_t *labels, int64_t n, int64_t c) {
    double hits = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const float *z = logits + i * c;
        trainer_argmax best = {0.0f, -1};
        for (int64_t k = 0; k < c; k++) {
            if (z[k] == z[k]) best = trainer_argmax_pick(best, (trainer_argmax){z[k], k});
        }
        hits += c > 0 && trainer_predicted_class(best, z[0]) == labels[i] ? 1.0 : 0.0;
    }
    return hits;
}

void trainer_cuda_host_blend(float *into, const float *other, int64_t count, double weight) {
    for (int64_t i = 0; i < count; i++) into[i] = trainer_blend_at(into[i], other[i], weight);
}

double trainer_cuda_host_l1_penalty(const float *params, float *grads, int64_t count, float lambda) {
    double sum = 0.0;
    for (int64_t i = 0; i < count; i++) sum += trainer_l1_at(params[i], grads + i, lambda);
    return lambda * sum;
}

double trainer_cuda_host_l2_penalty(const float *params, float *grads, int64_t count, float lambda) {
    double sum = 0.0;
    for (int64_t i = 0; i < count; i++) sum += trainer_l2_at(params[i], grads + i, lambda);
    return 0.5 * lambda * sum;
}

double trainer_cuda_host_sum_of_squares(const float *values, int64_t count) {
    double sum = 0.0;
    for (int64_t i = 0; i < count; i++) sum += trainer_square(values[i]);
    return sum;
}

void trainer_cuda_host_scale(float *values, int64_t count, float factor) {
    for (int64_t i = 0; i < count; i++) values[i] *= factor;
}

void trainer_cuda_host_axpby(const float *x, float *y, int64_t count, float alpha, float beta) {
    for (int64_t i = 0; i < count; i++) y[i] = trainer_axpby_at(x[i], y[i], alpha, beta);
}

void trainer_cuda_host_sgd(float *params, const float *grads, float *velocity, int64_t count, float lr,
                           float momentum, bool nesterov, float weight_decay) {
    float unused = 0.0f;
    for (int64_t i = 0; i < count; i++)
        trainer_sgd_at(params + i, grads[i], momentum == 0.0f ? &unused : velocity + i, lr, momentum, nesterov,
                       weight_decay);
}

void trainer_cuda_host_adam(float *params, const float *grads, float *m, float *v, int64_t count, float lr,
                            float beta1, float beta2, float epsilon, float weight_decay, bool decoupled,
                            int64_t step) {
    const trainer_adam_scalars a = trainer_adam_prepare(lr, beta1, beta2, epsilon, weight_decay, decoupled, step);
    for (int64_t i = 0; i < count; i++) trainer_adam_at(params + i, grads[i], m + i, v + i, a);
}

/* TRAINER_STATS doubles per slot into out, as trainer_cuda_slot_statistics leaves them in its scratch. */
void trainer_cuda_host_slot_statistics(const float *values, const float *grads, const float *before,
                                       const int64_t *offsets, const int64_t *counts, int64_t slots, double *out) {
    for (int64_t k = 0; k < slots; k++) {
        double *s = out + k * TRAINER_STATS;
        memset(s, 0, TRAINER_STATS * sizeof(double));
        for (int64_t i = offsets[k]; i < offsets[k] + counts[k]; i++)
            trainer_stats_add(s, values[i], grads[i], before ? before + i : NULL);
    }
}
