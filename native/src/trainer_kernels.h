/*
 * The CPU kernels behind dev.trainer.kernels.NativeKernels.
 *
 * Every buffer is a flat float32 (or int32 label) array of the length its sizes imply; the Java
 * side checks lengths, alignment and aliasing before calling, so nothing here validates.
 * Buffers marked restrict must not overlap. Sums are accumulated in double.
 */
#ifndef TRAINER_KERNELS_H
#define TRAINER_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

/* Bumped whenever a signature below changes, so a stale library is refused at load time. */
#define TRAINER_KERNELS_ABI_VERSION 1

/*
 * The library is compiled for a portable baseline (x86-64-v2 on x86, see build.sh); each kernel
 * is also compiled for AVX2 and AVX-512, and the dynamic loader picks the best variant the CPU
 * runs (an ifunc resolved when the library is loaded), so one build runs fast on a new CPU and
 * still runs on an old one. Helpers of a kernel are inlined into each variant.
 */
#if defined(__x86_64__)
#define TRAINER_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TRAINER_KERNEL
#endif
#define TRAINER_INLINE static inline __attribute__((always_inline))

int trainer_kernels_version(void);

TRAINER_KERNEL
double trainer_softmax_cross_entropy(const float *restrict logits, const int32_t *restrict labels,
                                     int64_t n, int64_t c, const float *restrict class_weights,
                                     const float *restrict sample_weights, float label_smoothing,
                                     int32_t ignore_index, float *restrict d_logits);

TRAINER_KERNEL
double trainer_mean_squared_error(const float *restrict predictions, const float *restrict targets,
                                  int64_t count, float *restrict d_predictions);

TRAINER_KERNEL
double trainer_l1_penalty(const float *restrict params, float *restrict grads, int64_t count,
                          float lambda);

TRAINER_KERNEL
double trainer_l2_penalty(const float *restrict params, float *restrict grads, int64_t count,
                          float lambda);

TRAINER_KERNEL
double trainer_sum_of_squares(const float *restrict values, int64_t count);

TRAINER_KERNEL
void trainer_scale(float *restrict values, int64_t count, float factor);

TRAINER_KERNEL
void trainer_axpby(const float *restrict x, float *restrict y, int64_t count, float alpha, float beta);

TRAINER_KERNEL
void trainer_sgd(float *restrict params, const float *restrict grads, float *restrict velocity,
                 int64_t count, float lr, float momentum, bool nesterov, float weight_decay);

TRAINER_KERNEL
void trainer_adam(float *restrict params, const float *restrict grads, float *restrict m,
                  float *restrict v, int64_t count, float lr, float beta1, float beta2,
                  float epsilon, float weight_decay, bool decoupled, int64_t step);

#endif
