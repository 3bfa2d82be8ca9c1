package dev.trainer.bench.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.cuda.CudaEvent;
import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaStream;
import dev.trainer.cuda.DeviceBuffer;
import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.config.LossKind;
import java.util.Arrays;
import java.util.List;

/**
 * How long one AdamW training step takes on the GPU, and what it costs besides time: median of
 * {@value #TIMED} steps after {@value #WARM_UP} warm-up steps, each timed from the batch handed
 * over to the optimizer's last kernel finished (forward, device loss with its readback, backward,
 * AdamW with weight decay 0.01 on every parameter, stream synchronized); the device memory in use
 * after the run beyond what was in use before the session opened (ORT's arena keeps its high-water
 * mark, so this is the peak); the bytes that crossed the bus per step through the session's
 * stream, against the bytes of the batch itself; and the AdamW kernel's own device time (CUDA
 * events), to tell the update from the graphs.
 */
final class CudaStepTiming {

    static final int WARM_UP = 3;
    static final int TIMED = 20;
    static final float LEARNING_RATE = 5e-5f;
    static final float WEIGHT_DECAY = 0.01f;

    private CudaStepTiming() {
    }

    static ObjectNode run(OnnxModel model, List<String> trainable, String output, Batch batch) {
        ObjectNode report = JsonNodeFactory.instance.objectNode().put("batch", batch.size())
                .put("sequence", batch.input(batch.inputNames().getFirst()).shape()[1]);
        long[] memoryBefore = CudaRuntime.load().memoryInfo();
        try (CudaTraining gpu = new CudaTraining(model, trainable, output, LossKind.CROSS_ENTROPY);
             DeviceBuffer m = new DeviceBuffer(gpu.placement.cuda(), gpu.length() * Float.BYTES);
             DeviceBuffer v = new DeviceBuffer(gpu.placement.cuda(), gpu.length() * Float.BYTES);
             CudaEvent beforeUpdate = new CudaEvent(gpu.placement.cuda());
             CudaEvent afterUpdate = new CudaEvent(gpu.placement.cuda())) {
            CudaStream stream = gpu.placement.stream();
            stream.zero(m.segment(), m.bytes());
            stream.zero(v.segment(), v.bytes());
            double[] millis = new double[TIMED];
            double[] updateMillis = new double[TIMED];
            double firstLoss = Double.NaN;
            double lastLoss = Double.NaN;
            long sentBefore = 0;
            long receivedBefore = 0;
            for (int step = 1; step <= WARM_UP + TIMED; step++) {
                if (step == WARM_UP + 1) {
                    sentBefore = stream.hostToDeviceBytes();
                    receivedBefore = stream.deviceToHostBytes();
                }
                long start = System.nanoTime();
                lastLoss = gpu.session.step(batch, gpu.loss);
                beforeUpdate.record(stream);
                gpu.kernels.adam(gpu.session.placed().values(), gpu.session.placed().gradients(), m.segment(),
                        v.segment(), gpu.length(), LEARNING_RATE, 0.9f, 0.999f, 1e-8f, WEIGHT_DECAY, true, step);
                afterUpdate.record(stream);
                stream.synchronize();
                if (step > WARM_UP) {
                    millis[step - WARM_UP - 1] = (System.nanoTime() - start) / 1e6;
                    updateMillis[step - WARM_UP - 1] = afterUpdate.millisSince(beforeUpdate);
                }
                firstLoss = step == 1 ? lastLoss : firstLoss;
            }
            long[] memoryAfter = gpu.placement.cuda().memoryInfo();
            report.put("median_ms", median(millis)).put("adamw_kernel_median_ms", median(updateMillis))
                    .put("min_ms", Arrays.stream(millis).min().orElseThrow())
                    .put("max_ms", Arrays.stream(millis).max().orElseThrow());
            ArrayNode all = report.putArray("step_ms");
            Arrays.stream(millis).forEach(all::add);
            report.put("device_bytes_in_use", (memoryBefore[0] - memoryAfter[0])).put("device_bytes_total", memoryAfter[1])
                    .put("host_to_device_bytes_per_step", (stream.hostToDeviceBytes() - sentBefore) / TIMED)
                    .put("device_to_host_bytes_per_step", (stream.deviceToHostBytes() - receivedBefore) / TIMED)
                    .put("batch_bytes", batchBytes(batch)).put("first_loss", firstLoss).put("last_loss", lastLoss);
        }
        return report;
    }

    /** The inputs' and labels' bytes: all a step should send. */
    private static long batchBytes(Batch batch) {
        long bytes = batch.labels().data().remaining();
        for (String name : batch.inputNames()) {
            HostTensor t = batch.input(name);
            bytes += t.data().remaining();
        }
        return bytes;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
