#include "trainer_kernels.h"

/*
 * BLAS's axpby. With beta 0 the old y is never read (BLAS's convention), so a buffer can be
 * overwritten whatever it held, a NaN included: that is how a running mean starts.
 */
TRAINER_KERNEL
void trainer_axpby(const float *restrict x, float *restrict y, int64_t count, float alpha, float beta) {
    if (beta == 0.0f) {
        for (int64_t i = 0; i < count; i++) y[i] = alpha * x[i];
        return;
    }
    for (int64_t i = 0; i < count; i++) y[i] = alpha * x[i] + beta * y[i];
}
