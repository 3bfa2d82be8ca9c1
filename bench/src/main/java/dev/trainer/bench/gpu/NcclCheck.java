package dev.trainer.bench.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.distributed.NcclCollective;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.runtime.CudaPlacement;
import dev.trainer.runtime.PlacedMemory;
import dev.trainer.train.step.BatchLoss;
import dev.trainer.train.step.GlobalGradient;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * NCCL on one GPU: a communicator of one rank (bootstrap {@link SingleProcess}) still runs every
 * call trainer makes, on device memory and on the placement's stream. A sum or a broadcast over
 * one rank leaves the buffer as it was, so each is compared bit for bit after copying back; the
 * step's reduction ({@link GlobalGradient}) of an empty shard must zero the device buffer; a count
 * beyond the buffer must be refused before NCCL sees it. What one GPU cannot show is two ranks
 * summing: that needs a GPU per rank under {@code mpirun}.
 */
final class NcclCheck {

    private static final int FLOATS = 1 << 20;

    private NcclCheck() {
    }

    static ObjectNode run() {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        SplittableRandom random = new SplittableRandom(14);
        float[] values = new float[FLOATS];
        for (int i = 0; i < FLOATS; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        long bytes = (long) FLOATS * Float.BYTES;
        try (CudaPlacement gpu = CudaPlacement.claim(0); Arena arena = Arena.ofConfined();
             PlacedMemory device = gpu.allocate(bytes);
             NcclCollective nccl = NcclCollective.open(new SingleProcess(), gpu.stream(), System.getenv())) {
            report.put("collective", nccl.description());
            MemorySegment host = arena.allocateFrom(JAVA_FLOAT, values);
            gpu.upload(host, device.segment(), bytes);
            nccl.allReduceSum(device.segment(), FLOATS);
            boolean allReduce = Arrays.equals(values, read(gpu, device, arena));
            nccl.broadcast(device.segment(), FLOATS);
            boolean broadcast = Arrays.equals(values, read(gpu, device, arena));
            new GlobalGradient(nccl, gpu).reduce(device.segment(), FLOATS, new BatchLoss(0, 0, 0, -1));
            boolean emptyShard = Arrays.equals(new float[FLOATS], read(gpu, device, arena));
            String refusal;
            try {
                nccl.allReduceSum(device.segment(), FLOATS + 1L);
                refusal = null;
            } catch (IllegalArgumentException e) {
                refusal = e.getMessage();
            }
            report.put("floats", FLOATS).put("all_reduce_unchanged", allReduce).put("broadcast_unchanged", broadcast)
                    .put("empty_shard_zeroed", emptyShard).put("oversized_count_refused", refusal);
            return report.put("passed", allReduce && broadcast && emptyShard && refusal != null);
        }
    }

    private static float[] read(CudaPlacement gpu, PlacedMemory device, Arena arena) {
        MemorySegment back = arena.allocate((long) FLOATS * Float.BYTES);
        gpu.download(device.segment(), back, back.byteSize());
        return back.toArray(JAVA_FLOAT);
    }
}
