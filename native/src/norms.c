#include "trainer_kernels.h"

TRAINER_KERNEL
double trainer_sum_of_squares(const float *restrict values, int64_t count) {
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < count; i++) sum += (double)values[i] * values[i];
    return sum;
}

TRAINER_KERNEL
void trainer_scale(float *restrict values, int64_t count, float factor) {
    for (int64_t i = 0; i < count; i++) values[i] *= factor;
}
