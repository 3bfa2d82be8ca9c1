#include <math.h>

#include "trainer_kernels.h"

/*
 * Each update is written in the order torch.optim spells it (single-tensor path, float32
 * arithmetic per element, scalars folded in double first), so results agree with PyTorch to
 * rounding and with JavaKernels exactly.
 */

TRAINER_KERNEL
void trainer_sgd(float *restrict params, const float *restrict grads, float *restrict velocity,
                 int64_t count, float lr, float momentum, bool nesterov, float weight_decay) {
    if (momentum == 0.0f) {
        for (int64_t i = 0; i < count; i++) {
            const float g = grads[i] + weight_decay * params[i];
            params[i] -= lr * g;
        }
        return;
    }
    /* A zeroed velocity makes torch's first-step "buf = g" the same as "buf = momentum * 0 + g". */
    if (nesterov) {
        for (int64_t i = 0; i < count; i++) {
            const float g = grads[i] + weight_decay * params[i];
            const float v = momentum * velocity[i] + g;
            velocity[i] = v;
            params[i] -= lr * (g + momentum * v);
        }
    } else {
        for (int64_t i = 0; i < count; i++) {
            const float g = grads[i] + weight_decay * params[i];
            const float v = momentum * velocity[i] + g;
            velocity[i] = v;
            params[i] -= lr * v;
        }
    }
}

TRAINER_KERNEL
void trainer_adam(float *restrict params, const float *restrict grads, float *restrict m,
                  float *restrict v, int64_t count, float lr, float beta1, float beta2,
                  float epsilon, float weight_decay, bool decoupled, int64_t step) {
    const double bias_correction1 = 1.0 - pow(beta1, (double)step);
    const double bias_correction2 = 1.0 - pow(beta2, (double)step);
    const float step_size = (float)(lr / bias_correction1);
    const float bias_correction2_sqrt = (float)sqrt(bias_correction2);
    const float one_minus_beta1 = (float)(1.0 - beta1);
    const float one_minus_beta2 = (float)(1.0 - beta2);
    /* AdamW shrinks the parameter before the step; Adam folds the decay into the gradient. */
    const float param_decay = decoupled ? (float)(1.0 - (double)lr * weight_decay) : 1.0f;
    const float grad_decay = decoupled ? 0.0f : weight_decay;
    for (int64_t i = 0; i < count; i++) {
        const float p = params[i] * param_decay;
        const float g = grads[i] + grad_decay * p;
        /* torch's lerp(m, g, w) for w < 0.5 is m + w (g - m). */
        const float mi = m[i] + one_minus_beta1 * (g - m[i]);
        const float vi = v[i] * beta2 + one_minus_beta2 * g * g;
        m[i] = mi;
        v[i] = vi;
        const float denom = sqrtf(vi) / bias_correction2_sqrt + epsilon;
        params[i] = p - step_size * mi / denom;
    }
}
