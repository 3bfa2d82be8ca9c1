/*
 * The per-element and per-row arithmetic of the CUDA kernels, shared by the device code and by a
 * host build (native/cuda/host) that the Java tests compare with JavaKernels on any machine: the
 * formulas are checked on a CPU, only the launches and reductions need a GPU.
 *
 * Every function performs the float operations of native/src in the same order. The device build
 * runs with -fmad=false and the host build with -ffp-contract=off, so neither fuses a*b+c into
 * one rounding, and the element-wise updates equal JavaKernels bit for bit.
 */
#ifndef TRAINER_CUDA_MATH_H
#define TRAINER_CUDA_MATH_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __CUDACC__
#define TRAINER_HD __host__ __device__ inline
#else
#define TRAINER_HD static inline
#endif

/* Row i's weight in the cross-entropy: class weight of its label times its sample weight. */
TRAINER_HD double trainer_ce_row_weight(const int32_t *labels, const float *class_weights,
                                        const float *sample_weights, int64_t i) {
    double w = 1.0;
    if (class_weights) w *= class_weights[labels[i]];
    if (sample_weights) w *= sample_weights[i];
    return w;
}

/* Whether a label can index the class weights: in [0, c) or the ignore index. */
TRAINER_HD bool trainer_ce_label_valid(int32_t label, int64_t c, int32_t ignore_index) {
    return label == ignore_index || (label >= 0 && label < c);
}

/*
 * The weighted row loss w (lse - (1 - s) z_y - (s / c) sum z), from the row's log-sum-exp,
 * its label's logit and the sum of its logits (see native/src/loss.c).
 */
TRAINER_HD double trainer_ce_row_loss(double w, double lse, float label_logit, double logit_sum,
                                      double smoothing, int64_t c) {
    return w * (lse - (1.0 - smoothing) * label_logit - smoothing / (double)c * logit_sum);
}

/* The scalars of a row's gradient w / sum w * (softmax(z) - q), folded in double first. */
typedef struct {
    float p_scale;    /* multiplies exp(z_k - max) */
    float q_floor;    /* the smoothing share, subtracted everywhere */
    float label_term; /* subtracted again at the label */
} trainer_ce_gradient;

TRAINER_HD trainer_ce_gradient trainer_ce_gradient_scalars(double w, double weight_sum, double exp_sum,
                                                           double smoothing, int64_t c) {
    const double grad_scale = w / weight_sum;
    trainer_ce_gradient g;
    g.p_scale = (float)(grad_scale / exp_sum);
    g.q_floor = (float)(grad_scale * smoothing / (double)c);
    g.label_term = (float)(grad_scale * (1.0 - smoothing));
    return g;
}

/* d(loss)/d(z_k), given e = expf(z_k - max) of the same row. */
TRAINER_HD float trainer_ce_gradient_at(float e, trainer_ce_gradient g, bool at_label) {
    float d = e * g.p_scale - g.q_floor;
    if (at_label) d -= g.label_term;
    return d;
}

/*
 * A candidate for the class a row predicts: a logit and its column, index -1 for none. NaN logits
 * never become candidates.
 */
typedef struct {
    float value;
    int64_t index;
} trainer_argmax;

/* The better of two candidates: the larger logit, the lower column on ties (so any order of combining agrees). */
TRAINER_HD trainer_argmax trainer_argmax_pick(trainer_argmax a, trainer_argmax b) {
    if (b.index < 0) return a;
    if (a.index < 0) return b;
    if (b.value > a.value) return b;
    if (a.value > b.value) return a;
    return a.index < b.index ? a : b;
}

/*
 * The predicted class from the best candidate of a row whose first logit is first: as Java's
 * argmax, which starts at column 0 and moves on a strictly larger logit, a NaN first logit is
 * never left and any other NaN never taken.
 */
TRAINER_HD int64_t trainer_predicted_class(trainer_argmax best, float first) {
    return first != first || best.index < 0 ? 0 : best.index;
}

/* Mixup's blend of two gradient entries, in double and rounded once (as dev.trainer.kernels.Kernels#blend). */
TRAINER_HD float trainer_blend_at(float into, float other, double weight) {
    return (float)(weight * (double)into + (1.0 - weight) * (double)other);
}

/* BLAS's axpby entry (as dev.trainer.kernels.Kernels#axpby): with beta 0 the old y is not read. */
TRAINER_HD float trainer_axpby_at(float x, float y, float alpha, float beta) {
    return beta == 0.0f ? alpha * x : alpha * x + beta * y;
}

/* MSE: writes the gradient diff * (2 / count), returns diff^2 in double. */
TRAINER_HD double trainer_mse_at(float prediction, float target, float grad_scale, float *d_prediction) {
    const float diff = prediction - target;
    *d_prediction = diff * grad_scale;
    return (double)diff * diff;
}

/* L1: adds lambda sign(p) to the gradient (sign(0) = 0, as torch.sign); returns |p|. */
TRAINER_HD double trainer_l1_at(float p, float *grad, float lambda) {
    const float sign = (float)(p > 0.0f) - (float)(p < 0.0f);
    *grad += lambda * sign;
    return fabsf(p);
}

/* L2: adds lambda p to the gradient; returns p^2 in double. */
TRAINER_HD double trainer_l2_at(float p, float *grad, float lambda) {
    *grad += lambda * p;
    return (double)p * p;
}

/* A term of the squared gradient norm, in double. */
TRAINER_HD double trainer_square(float value) { return (double)value * value; }

/* One SGD element, torch.optim.SGD with dampening 0; the velocity is untouched without momentum. */
TRAINER_HD void trainer_sgd_at(float *param, float grad, float *velocity, float lr, float momentum,
                               bool nesterov, float weight_decay) {
    const float g = grad + weight_decay * *param;
    if (momentum == 0.0f) {
        *param -= lr * g;
        return;
    }
    const float v = momentum * *velocity + g;
    *velocity = v;
    *param -= lr * (nesterov ? g + momentum * v : v);
}

/* Adam's per-step scalars, folded in double on the host exactly as native/src/optimizers.c does. */
typedef struct {
    float step_size;
    float bias_correction2_sqrt;
    float one_minus_beta1;
    float one_minus_beta2;
    float beta2;
    float epsilon;
    float param_decay;
    float grad_decay;
} trainer_adam_scalars;

static inline trainer_adam_scalars trainer_adam_prepare(float lr, float beta1, float beta2, float epsilon,
                                                        float weight_decay, bool decoupled, int64_t step) {
    const double bias_correction1 = 1.0 - pow(beta1, (double)step);
    const double bias_correction2 = 1.0 - pow(beta2, (double)step);
    trainer_adam_scalars a;
    a.step_size = (float)(lr / bias_correction1);
    a.bias_correction2_sqrt = (float)sqrt(bias_correction2);
    a.one_minus_beta1 = (float)(1.0 - beta1);
    a.one_minus_beta2 = (float)(1.0 - beta2);
    a.beta2 = beta2;
    a.epsilon = epsilon;
    /* AdamW shrinks the parameter before the step; Adam folds the decay into the gradient. */
    a.param_decay = decoupled ? (float)(1.0 - (double)lr * weight_decay) : 1.0f;
    a.grad_decay = decoupled ? 0.0f : weight_decay;
    return a;
}

/* One Adam/AdamW element; sqrtf and the division are IEEE-rounded on both builds. */
TRAINER_HD void trainer_adam_at(float *param, float grad, float *m, float *v, trainer_adam_scalars a) {
    const float p = *param * a.param_decay;
    const float g = grad + a.grad_decay * p;
    const float mi = *m + a.one_minus_beta1 * (g - *m);
    const float vi = *v * a.beta2 + a.one_minus_beta2 * g * g;
    *m = mi;
    *v = vi;
    const float denom = sqrtf(vi) / a.bias_correction2_sqrt + a.epsilon;
    *param = p - a.step_size * mi / denom;
}

/*
 * The per-slot sums behind the per-layer monitor (dev.trainer.monitor.LayerStatistics), in the
 * order TRAINER_STAT_*: squared gradients, squared parameters, squared updates (parameter minus
 * its value before the step), exact-zero gradients, and the largest |gradient| (NaN wins).
 */
enum { TRAINER_STAT_GRAD2, TRAINER_STAT_PARAM2, TRAINER_STAT_UPDATE2, TRAINER_STAT_ZEROS, TRAINER_STAT_MAX_ABS,
       TRAINER_STATS };

/* Java's Math.max on doubles as the monitor uses it: a NaN on either side gives NaN. */
TRAINER_HD double trainer_max_nan(double a, double b) {
    if (a != a) return a;
    if (b != b) return b;
    return a > b ? a : b;
}

TRAINER_HD void trainer_stats_add(double *s, float param, float grad, const float *before) {
    const double g = grad;
    const double p = param;
    s[TRAINER_STAT_GRAD2] += g * g;
    s[TRAINER_STAT_PARAM2] += p * p;
    if (before) {
        const double d = p - (double)*before;
        s[TRAINER_STAT_UPDATE2] += d * d;
    }
    s[TRAINER_STAT_ZEROS] += grad == 0.0f ? 1.0 : 0.0;
    s[TRAINER_STAT_MAX_ABS] = trainer_max_nan(s[TRAINER_STAT_MAX_ABS], fabs(g));
}

/* Merges the partial sums b into a. */
TRAINER_HD void trainer_stats_merge(double *a, const double *b) {
    for (int k = 0; k < TRAINER_STAT_MAX_ABS; k++) a[k] += b[k];
    a[TRAINER_STAT_MAX_ABS] = trainer_max_nan(a[TRAINER_STAT_MAX_ABS], b[TRAINER_STAT_MAX_ABS]);
}

#endif
