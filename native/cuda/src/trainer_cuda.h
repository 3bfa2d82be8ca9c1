/*
 * The CUDA kernels behind dev.trainer.kernels.CudaKernels: the same operations as native/src,
 * over device memory, queued on a caller's stream (the one ONNX Runtime's CUDA provider runs on,
 * so that no synchronization is needed between a graph and the kernels that follow it).
 *
 * Every pointer is a device pointer; the Java side checks sizes, alignment and aliasing before
 * calling. Nothing here synchronizes: reductions (losses, penalties, norms, statistics) land in a
 * device scratch buffer of doubles, at the offsets TRAINER_CUDA_RESULT_*, and the caller copies
 * them back only when it wants them. Sums are accumulated in double in a fixed order, so results
 * do not change from run to run. Each function returns the cudaError_t of its launches (0: all
 * queued); errors in the kernels themselves surface at the caller's next synchronization.
 */
#ifndef TRAINER_CUDA_H
#define TRAINER_CUDA_H

#include <cuda_runtime_api.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
#define TRAINER_CUDA_API extern "C" __attribute__((visibility("default")))
#else
#define TRAINER_CUDA_API
#endif

/* Bumped whenever a signature below changes, so a stale library is refused at load time. */
#define TRAINER_CUDA_ABI_VERSION 3

/* Where each reduction leaves its result in the scratch buffer (in doubles). */
#define TRAINER_CUDA_RESULT_VALUE 0       /* loss, penalty or sum of squares */
#define TRAINER_CUDA_RESULT_BAD_LABELS 1  /* cross-entropy: labels outside [0, c) and not ignored */
#define TRAINER_CUDA_RESULT_BAD_ROW 2     /* cross-entropy: the first such row, or -1 */
#define TRAINER_CUDA_RESULT_BAD_LABEL 3   /* cross-entropy: its label */
#define TRAINER_CUDA_RESULTS 4

TRAINER_CUDA_API int trainer_cuda_version(void);

/* Doubles of scratch any call needs with at most `rows` cross-entropy rows and `slots` statistics slots. */
TRAINER_CUDA_API int64_t trainer_cuda_scratch_doubles(int64_t rows, int64_t slots);

/*
 * Weighted softmax cross-entropy, as trainer_softmax_cross_entropy. Labels are checked on the
 * device: with any label outside [0, c) that is not ignore_index, nothing else is computed and
 * the count, first row and label are left in the scratch for the caller to report.
 */
TRAINER_CUDA_API int trainer_cuda_softmax_cross_entropy(const float *logits, const int32_t *labels, int64_t n,
                                                        int64_t c, const float *class_weights,
                                                        const float *sample_weights, float label_smoothing,
                                                        int32_t ignore_index, float *d_logits, double *scratch,
                                                        cudaStream_t stream);

/*
 * The training accuracy's hits: rows of n x c logits whose predicted class (trainer_predicted_class)
 * is their label, left in scratch[TRAINER_CUDA_RESULT_VALUE] as a double.
 */
TRAINER_CUDA_API int trainer_cuda_count_correct(const float *logits, const int32_t *labels, int64_t n, int64_t c,
                                                double *scratch, cudaStream_t stream);

/* Mixup's blend of two output gradients: into = weight * into + (1 - weight) * other (trainer_blend_at). */
TRAINER_CUDA_API int trainer_cuda_blend(float *into, const float *other, int64_t count, double weight,
                                        cudaStream_t stream);

TRAINER_CUDA_API int trainer_cuda_mean_squared_error(const float *predictions, const float *targets, int64_t count,
                                                     float *d_predictions, double *scratch, cudaStream_t stream);

TRAINER_CUDA_API int trainer_cuda_l1_penalty(const float *params, float *grads, int64_t count, float lambda,
                                             double *scratch, cudaStream_t stream);

TRAINER_CUDA_API int trainer_cuda_l2_penalty(const float *params, float *grads, int64_t count, float lambda,
                                             double *scratch, cudaStream_t stream);

TRAINER_CUDA_API int trainer_cuda_sum_of_squares(const float *values, int64_t count, double *scratch,
                                                 cudaStream_t stream);

TRAINER_CUDA_API int trainer_cuda_scale(float *values, int64_t count, float factor, cudaStream_t stream);

/* y = alpha * x + beta * y (gradient accumulation's running mean); with beta 0, y = alpha * x. */
TRAINER_CUDA_API int trainer_cuda_axpby(const float *x, float *y, int64_t count, float alpha, float beta,
                                        cudaStream_t stream);

TRAINER_CUDA_API int trainer_cuda_sgd(float *params, const float *grads, float *velocity, int64_t count, float lr,
                                      float momentum, bool nesterov, float weight_decay, cudaStream_t stream);

TRAINER_CUDA_API int trainer_cuda_adam(float *params, const float *grads, float *m, float *v, int64_t count,
                                       float lr, float beta1, float beta2, float epsilon, float weight_decay,
                                       bool decoupled, int64_t step, cudaStream_t stream);

/*
 * Per-slot sums for the per-layer monitor: slot k covers [offsets[k], offsets[k] + counts[k]) of
 * the flat buffers (offsets and counts are device arrays). before may be NULL (no update sums).
 * Leaves TRAINER_STATS doubles per slot at scratch[k * TRAINER_STATS], in the order of
 * trainer_cuda_math.h's TRAINER_STAT_*.
 */
TRAINER_CUDA_API int trainer_cuda_slot_statistics(const float *values, const float *grads, const float *before,
                                                  const int64_t *offsets, const int64_t *counts, int64_t slots,
                                                  double *scratch, cudaStream_t stream);

#endif
