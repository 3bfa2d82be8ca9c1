package dev.trainer.bench.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.config.Device;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.cuda.CudaEvent;
import dev.trainer.cuda.CudaPrerequisites;
import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaStream;
import dev.trainer.data.Batch;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.CudaPlacement;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.util.Arrays;

/**
 * How long one training step of {@code trainer fine-tune --device cuda} takes, and what it costs
 * besides time: the {@link TrainingStep} on the GPU, median of {@value #TIMED} steps after
 * {@value #WARM_UP} warm-up steps, each timed from the batch handed over to the optimizer's last
 * kernel finished (stream synchronized); the device time of the update alone (CUDA events around
 * the optimizer's kernels), to tell it from the graphs; the device memory in use after the run
 * beyond what was in use before the step opened (ORT's arena keeps its high-water mark, so this
 * is the peak); and the bytes that crossed the bus per step through the placement's stream,
 * against the bytes of the batch itself.
 */
final class CudaStepTiming {

    static final int WARM_UP = 3;
    static final int TIMED = 20;

    private CudaStepTiming() {
    }

    /** Times {@code config}'s step (its optimizer and rate) on the GPU with {@code batch}. */
    static ObjectNode run(RunConfig config, Batch batch) {
        ObjectNode report = JsonNodeFactory.instance.objectNode().put("batch", batch.size())
                .put("sequence", batch.input(batch.inputNames().getFirst()).shape()[1]);
        CudaPrerequisites.require(0);
        long[] memoryBefore = CudaRuntime.load().memoryInfo();
        RunConfig onGpu = config.with(new RuntimeConfig(Device.parse("cuda"), 0));
        double lr = config.optimizer().learningRate();
        try (TrainingStep step = TrainingStep.open(TrainingModel.of(onGpu), onGpu, NativeKernels.instance())) {
            CudaPlacement gpu = (CudaPlacement) step.runtime().placement();
            CudaStream stream = gpu.stream();
            try (CudaEvent beforeUpdate = new CudaEvent(gpu.cuda()); CudaEvent afterUpdate = new CudaEvent(gpu.cuda())) {
                double[] millis = new double[TIMED];
                double[] updateMillis = new double[TIMED];
                double firstLoss = Double.NaN;
                double lastLoss = Double.NaN;
                long sentBefore = 0;
                long receivedBefore = 0;
                for (int s = 1; s <= WARM_UP + TIMED; s++) {
                    if (s == WARM_UP + 1) {
                        sentBefore = stream.hostToDeviceBytes();
                        receivedBefore = stream.deviceToHostBytes();
                    }
                    long start = System.nanoTime();
                    step.zeroGradients();
                    lastLoss = step.accumulate(batch, null).value();
                    step.reduceGradients();
                    beforeUpdate.record(stream);
                    step.clipGradients();
                    step.apply(lr, Double.NaN);
                    afterUpdate.record(stream);
                    stream.synchronize();
                    if (s > WARM_UP) {
                        millis[s - WARM_UP - 1] = (System.nanoTime() - start) / 1e6;
                        updateMillis[s - WARM_UP - 1] = afterUpdate.millisSince(beforeUpdate);
                    }
                    firstLoss = s == 1 ? lastLoss : firstLoss;
                }
                long[] memoryAfter = gpu.cuda().memoryInfo();
                report.put("median_ms", median(millis)).put("update_kernels_median_ms", median(updateMillis))
                        .put("min_ms", Arrays.stream(millis).min().orElseThrow())
                        .put("max_ms", Arrays.stream(millis).max().orElseThrow());
                ArrayNode all = report.putArray("step_ms");
                Arrays.stream(millis).forEach(all::add);
                report.put("device_bytes_in_use", memoryBefore[0] - memoryAfter[0])
                        .put("device_bytes_total", memoryAfter[1])
                        .put("host_to_device_bytes_per_step", (stream.hostToDeviceBytes() - sentBefore) / TIMED)
                        .put("device_to_host_bytes_per_step", (stream.deviceToHostBytes() - receivedBefore) / TIMED)
                        .put("batch_bytes", batch.inputAndLabelBytes()).put("first_loss", firstLoss).put("last_loss", lastLoss);
            }
        }
        return report;
    }


    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
