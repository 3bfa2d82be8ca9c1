package dev.trainer.bench.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.data.Batch;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.config.LossKind;
import dev.trainer.train.step.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * CPU against CUDA on the same model and batch: plain SGD steps on each side's own buffers (the
 * CPU with ORT's Java runtime and the C kernels, the GPU with the C-API session, CUDA kernels and
 * the loss on the device). Float32 on different hardware sums in different orders, so the claim
 * is agreement within tolerances that a wrong gradient or a stale value could not meet: each
 * step's loss to {@link #LOSS_TOLERANCE} relative, each step's gradient vector to
 * {@link #GRADIENT_TOLERANCE} relative (L2), and the trained parameters to
 * {@link #PARAMETER_TOLERANCE} of how far the steps moved them.
 */
final class CudaParity {

    static final double LOSS_TOLERANCE = 1e-4;
    static final double GRADIENT_TOLERANCE = 1e-3;
    static final double PARAMETER_TOLERANCE = 1e-2;

    private CudaParity() {
    }

    /** Runs {@code steps} SGD steps on both sides; the JSON report has "passed". */
    static ObjectNode run(OnnxModel model, List<String> trainable, String output, Batch batch, LossKind kind, float lr,
                          int steps) {
        ObjectNode report = JsonNodeFactory.instance.objectNode().put("steps", steps).put("lr", lr)
                .put("batch", batch.size()).put("loss_tolerance", LOSS_TOLERANCE)
                .put("gradient_tolerance", GRADIENT_TOLERANCE).put("parameter_tolerance", PARAMETER_TOLERANCE);
        ArrayNode perStep = report.putArray("per_step");
        boolean passed = true;
        try (TrainingSession cpu = TrainingSession.open(model, trainable, output);
             CudaTraining gpu = new CudaTraining(model, trainable, output, kind);
             Arena arena = Arena.ofConfined()) {
            ParameterBuffer host = cpu.parameters();
            report.put("parameters", host.parameterCount());
            float[] start = host.values().toArray(ValueLayout.JAVA_FLOAT);
            LossFunction hostLoss = Losses.of(kind, Kernels.defaultKernels());
            MemorySegment gradients = arena.allocate(ValueLayout.JAVA_FLOAT, host.length());
            for (int step = 0; step < steps; step++) {
                double cpuLoss = cpu.step(batch, hostLoss);
                double gpuLoss = gpu.session.step(batch, gpu.loss);
                gpu.placement.download(gpu.session.placed().gradients(), gradients, host.length() * Float.BYTES);
                double lossError = Math.abs(gpuLoss - cpuLoss) / Math.abs(cpuLoss);
                double gradientError = relativeL2(host.gradients().toArray(ValueLayout.JAVA_FLOAT),
                        gradients.toArray(ValueLayout.JAVA_FLOAT));
                passed &= lossError <= LOSS_TOLERANCE && gradientError <= GRADIENT_TOLERANCE;
                perStep.addObject().put("cpu_loss", cpuLoss).put("gpu_loss", gpuLoss).put("loss_error", lossError)
                        .put("gradient_error", gradientError);
                Kernels.defaultKernels().sgd(host.values(), host.gradients(), MemorySegment.NULL, host.length(), lr, 0,
                        false, 0);
                gpu.kernels.sgd(gpu.session.placed().values(), gpu.session.placed().gradients(), MemorySegment.NULL,
                        gpu.length(), lr, 0, false, 0);
                gpu.session.placed().changed();
            }
            passed &= compareParameters(report, start, host.values().toArray(ValueLayout.JAVA_FLOAT),
                    gpu.session.parameters().values().toArray(ValueLayout.JAVA_FLOAT));
        }
        return report.put("passed", passed);
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
