package dev.trainer.train.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainer.distributed.InProcessRanks;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.DeviceStandIn;
import dev.trainer.runtime.HostPlacement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which collective sums the gradients, by where the placement keeps them. A CUDA placement (NCCL)
 * needs a GPU; here the host and the device stand-in show the other branches.
 */
class GradientCollectivesTest {

    @Test
    void hostMemoryIsSummedByTheJobsOwnRanks() throws Exception {
        List<Boolean> same = InProcessRanks.run(2, ranks -> {
            try (HostPlacement host = new HostPlacement(NativeKernels.instance())) {
                return GradientCollectives.open(ranks, host, Map.of()) == ranks;
            }
        });
        assertEquals(List.of(true, true), same);
    }

    @Test
    void oneProcessOnADeviceNeedsNoCollectiveOfItsOwn() {
        SingleProcess one = new SingleProcess();
        try (DeviceStandIn device = new DeviceStandIn(NativeKernels.instance())) {
            assertSame(one, GradientCollectives.open(one, device, Map.of()));
        }
    }

    @Test
    void deviceMemoryNoCollectiveReachesIsRefusedInOneLine() throws Exception {
        List<String> messages = InProcessRanks.run(2, ranks -> {
            try (DeviceStandIn device = new DeviceStandIn(NativeKernels.instance())) {
                return assertThrows(IllegalArgumentException.class,
                        () -> GradientCollectives.open(ranks, device, Map.of())).getMessage();
            }
        });
        assertEquals("a job of 2 ranks cannot sum gradients held in DeviceStandIn memory: only host memory (MPI)"
                + " and CUDA devices (NCCL) can", messages.get(0));
    }
}
