#include <math.h>

#include "trainer_kernels.h"

TRAINER_KERNEL
double trainer_l1_penalty(const float *restrict params, float *restrict grads, int64_t count,
                          float lambda) {
    double abs_sum = 0.0;
#pragma omp simd reduction(+ : abs_sum)
    for (int64_t i = 0; i < count; i++) {
        const float p = params[i];
        /* sign(0) = 0, as torch.sign, so exact zeros stay put. */
        const float sign = (float)(p > 0.0f) - (float)(p < 0.0f);
        grads[i] += lambda * sign;
        abs_sum += fabsf(p);
    }
    return lambda * abs_sum;
}

TRAINER_KERNEL
double trainer_l2_penalty(const float *restrict params, float *restrict grads, int64_t count,
                          float lambda) {
    double square_sum = 0.0;
#pragma omp simd reduction(+ : square_sum)
    for (int64_t i = 0; i < count; i++) {
        const float p = params[i];
        grads[i] += lambda * p;
        square_sum += (double)p * p;
    }
    return 0.5 * lambda * square_sum;
}
