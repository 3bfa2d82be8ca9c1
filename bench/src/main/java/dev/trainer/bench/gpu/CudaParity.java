package dev.trainer.bench.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.config.Device;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.data.Batch;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * CPU against CUDA through the same {@link TrainingStep}: plain SGD steps on one batch, the CPU
 * step on the host, the other on the GPU (C-API session on the CUDA provider, CUDA kernels, the
 * loss on the device). Float32 on different hardware sums in different orders, so the claim is
 * agreement within tolerances that a wrong gradient or a stale value could not meet: each step's
 * loss to {@link #LOSS_TOLERANCE} relative, each step's gradient vector to
 * {@link #GRADIENT_TOLERANCE} relative (L2), and the trained parameters to
 * {@link #PARAMETER_TOLERANCE} of how far the steps moved them. Reading the GPU's gradients copies
 * its buffers to the host: this checks numbers, {@link CudaStepTiming} counts bytes.
 */
final class CudaParity {

    static final double LOSS_TOLERANCE = 1e-4;
    static final double GRADIENT_TOLERANCE = 1e-3;
    static final double PARAMETER_TOLERANCE = 1e-2;

    private CudaParity() {
    }

    /** Runs {@code steps} SGD steps of {@code config}'s model on both devices; the JSON report has "passed". */
    static ObjectNode run(RunConfig config, Batch batch, double lr, int steps) {
        RunConfig sgd = config.with(OptimizerConfig.DEFAULT.with(OptimizerKind.SGD, lr));
        RunConfig onCpu = sgd.with(new RuntimeConfig(Device.CPU, 0));
        RunConfig onGpu = sgd.with(new RuntimeConfig(Device.parse("cuda"), 0));
        ObjectNode report = JsonNodeFactory.instance.objectNode().put("steps", steps).put("lr", lr)
                .put("batch", batch.size()).put("loss_tolerance", LOSS_TOLERANCE)
                .put("gradient_tolerance", GRADIENT_TOLERANCE).put("parameter_tolerance", PARAMETER_TOLERANCE);
        ArrayNode perStep = report.putArray("per_step");
        boolean passed = true;
        TrainingModel model = TrainingModel.of(sgd);
        try (TrainingStep cpu = TrainingStep.open(model, onCpu, NativeKernels.instance());
             TrainingStep gpu = TrainingStep.open(model, onGpu, NativeKernels.instance())) {
            report.put("parameters", cpu.parameters().parameterCount());
            float[] start = cpu.parameters().values().toArray(ValueLayout.JAVA_FLOAT);
            for (int step = 0; step < steps; step++) {
                double cpuLoss = accumulate(cpu, batch);
                double gpuLoss = accumulate(gpu, batch);
                double lossError = Math.abs(gpuLoss - cpuLoss) / Math.abs(cpuLoss);
                double gradientError = relativeL2(cpu.parameters().gradients().toArray(ValueLayout.JAVA_FLOAT),
                        gpu.parameters().gradients().toArray(ValueLayout.JAVA_FLOAT));
                passed &= lossError <= LOSS_TOLERANCE && gradientError <= GRADIENT_TOLERANCE;
                perStep.addObject().put("cpu_loss", cpuLoss).put("gpu_loss", gpuLoss).put("loss_error", lossError)
                        .put("gradient_error", gradientError);
                for (TrainingStep s : List.of(cpu, gpu)) {
                    s.apply(lr, Double.NaN);
                }
            }
            passed &= compareParameters(report, start, cpu.parameters().values().toArray(ValueLayout.JAVA_FLOAT),
                    gpu.parameters().values().toArray(ValueLayout.JAVA_FLOAT));
        }
        return report.put("passed", passed);
    }

    private static double accumulate(TrainingStep step, Batch batch) {
        step.zeroGradients();
        return step.accumulate(batch, null).value();
    }

    /** Records how far the CPU moved the parameters and how far the GPU's are from the CPU's. */
    private static boolean compareParameters(ObjectNode report, float[] start, float[] cpu, float[] gpu) {
        double moved = 0;
        double apart = 0;
        for (int i = 0; i < cpu.length; i++) {
            moved = Math.max(moved, Math.abs(cpu[i] - start[i]));
            apart = Math.max(apart, Math.abs(gpu[i] - cpu[i]));
        }
        report.put("max_parameter_move", moved).put("max_parameter_difference", apart);
        return moved > 0 && apart <= PARAMETER_TOLERANCE * moved;
    }

    /** ||b - a|| / ||a||, in double. */
    static double relativeL2(float[] a, float[] b) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) b[i] - a[i];
            difference += d * d;
            norm += (double) a[i] * a[i];
        }
        return Math.sqrt(difference / norm);
    }
}
