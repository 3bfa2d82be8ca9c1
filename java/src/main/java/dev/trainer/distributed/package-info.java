/**
 * Data parallelism across processes: a {@link dev.trainer.distributed.Collective} joins the ranks
 * of a job ({@link dev.trainer.distributed.SingleProcess} alone, or
 * {@link dev.trainer.distributed.MpiCollective} over Open MPI's C library under {@code mpirun} or
 * {@code srun}, with {@link dev.trainer.distributed.NcclCollective} summing GPU buffers over such a
 * job's ranks), {@link dev.trainer.distributed.Collectives} picks one from the launch,
 * {@link dev.trainer.distributed.BatchShards} gives each rank its part of the single-process
 * batch order, {@link dev.trainer.distributed.GlobalGradient} combines the ranks' gradients into
 * the whole batch's, and {@link dev.trainer.distributed.JobFailure} ends every rank with one
 * message when one fails. The training loop calls these; nothing here knows about models.
 */
package dev.trainer.distributed;
