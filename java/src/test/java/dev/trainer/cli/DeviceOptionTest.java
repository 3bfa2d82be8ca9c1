package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.cuda.CudaUnavailableException;
import dev.trainer.runtime.CudaPlacement;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fine-tune --device}: a machine that cannot train on the GPU is told in one line what to
 * install, with exit code 2 and nothing written. This runs for real on machines without a GPU
 * (skipped where CUDA is fully usable).
 */
class DeviceOptionTest {

    @TempDir
    Path tmp;

    private Cli.Outcome fineTune(String device) {
        return Cli.run("fine-tune", "--model", "../models/digits/model.onnx", "--train", "../models/digits/train.csv",
                "--out", tmp.resolve("run").toString(), "--epochs", "1", "--device", device);
    }

    @Test
    void cudaWithoutAGpuSaysWhatToInstall() {
        String missing = null;
        try (CudaPlacement gpu = CudaPlacement.claim(0)) {
            gpu.name();
        } catch (CudaUnavailableException e) {
            missing = e.getMessage();
        }
        Assumptions.assumeTrue(missing != null, "CUDA is usable on this machine");
        Cli.Outcome o = fineTune("cuda:0");
        assertEquals(2, o.code());
        assertEquals("trainer: error: " + missing + System.lineSeparator(), o.err());
        assertTrue(missing.contains("install"), missing);
        assertFalse(Files.exists(tmp.resolve("run")), "nothing may be written");
    }

    @Test
    void unknownDeviceIsBadInput() {
        Cli.Outcome o = fineTune("tpu");
        assertEquals(2, o.code());
        assertEquals("trainer: error: --device 'tpu': use cpu or cuda[:N] (see `trainer fine-tune --help`)"
                + System.lineSeparator(), o.err());
    }
}
