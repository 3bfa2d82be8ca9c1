package dev.trainer.cli;

import dev.trainer.config.Device;
import dev.trainer.config.DistributedMode;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RuntimeApi;
import dev.trainer.config.RuntimeConfig;
import picocli.CommandLine.Option;

/** The loop: epochs, batches, order, validation and statistics cadence, threads, data parallelism, recomputation. */
final class LoopSection implements OptionSection {

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs = LoopConfig.DEFAULT.epochs();

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Samples per batch, per process in a data-parallel job (default: ${DEFAULT-VALUE}).")
    int batchSize = LoopConfig.DEFAULT.batchSize();

    @Option(names = "--grad-accum", paramLabel = "N",
            description = "Batches whose gradients make one step (effective batch N x --batch-size).")
    int gradAccum = LoopConfig.DEFAULT.gradAccum();

    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after this many steps (0: no limit).")
    long maxSteps;

    @Option(names = "--no-shuffle", description = "Keep the data's order in every epoch.")
    boolean noShuffle;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for shuffling, sampling, dropout and augmentation (default: ${DEFAULT-VALUE}).")
    long seed = LoopConfig.DEFAULT.seed();

    @Option(names = "--eval-every", paramLabel = "N", description = "Also validate every N steps (0: each epoch).")
    long evalEvery;

    @Option(names = "--stats-every", paramLabel = "N",
            description = "Record per-layer gradient and update statistics every N steps (0: each epoch's end).")
    long statsEvery;

    @Option(names = "--no-dropout", description = "Keep the model's Dropout nodes inactive in training.")
    boolean noDropout;

    @Option(names = "--threads", paramLabel = "N",
            description = "ONNX Runtime threads per op (0: one per core, shared among the ranks on a node)."
                    + " Small models often step faster on 1.")
    int threads;

    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", converter = Converters.Devices.class,
            description = "Where to train (default: cpu); cuda needs an NVIDIA GPU with CUDA 13, cuDNN 9 and the GPU"
                    + " build of ONNX Runtime (docs/gpu.md).")
    Device device = RuntimeConfig.DEFAULT.device();

    @Option(names = "--runtime", paramLabel = "capi|java", converter = Converters.Api.class,
            description = "ONNX Runtime's API for the graphs (default: capi); java runs the same graphs through ORT's"
                    + " Java API, on the CPU only.")
    RuntimeApi api = RuntimeConfig.DEFAULT.api();

    @Option(names = "--distributed", paramLabel = "auto|mpi|none", converter = Converters.Distributed.class,
            description = "Data-parallel over MPI (fine-tune, cv): auto when mpirun or srun started trainer (the"
                    + " default), mpi always, none never.")
    DistributedMode distributed = RuntimeConfig.DEFAULT.distributed();

    @Option(names = "--recompute", paramLabel = "none|segments", converter = Converters.Recompute.class,
            description = "segments: activation checkpointing, less memory for up to one more forward pass per"
                    + " step (default: none).")
    RecomputeMode recompute = RuntimeConfig.DEFAULT.recompute();

    @Override
    public String heading() {
        return "Training loop";
    }

    LoopConfig toConfig() {
        return new LoopConfig(epochs, batchSize, gradAccum, maxSteps, !noShuffle, seed, evalEvery, statsEvery);
    }

    RuntimeConfig runtime() {
        return new RuntimeConfig(device, api, threads, distributed, recompute);
    }
}
