package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.data.NpzArrays;
import dev.trainer.edit.TrapModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trainer gradients}: what it writes, and bad input refused with one line and nothing written. */
class GradientsCommandTest {

    @TempDir
    Path tmp;

    private Path model() throws Exception {
        Path file = tmp.resolve("model.onnx");
        Files.write(file, TrapModels.mergedLayerNorms().proto().toByteArray());
        TrapModels.writeData(tmp.resolve("data.npz"), "x", 4);
        return file;
    }

    @Test
    void writesEveryParametersGradientTheLossAndTheOutput() throws Exception {
        Path model = model();
        Path out = tmp.resolve("g.npz");
        Cli.Outcome o = Cli.run("gradients", "--model", model.toString(), "--data", tmp.resolve("data.npz").toString(),
                "--out", out.toString(), "--untie-shared");
        assertEquals(0, o.code(), o.err());
        Map<String, float[]> g = NpzArrays.read(out);
        assertEquals(java.util.Set.of("trainer:loss", "trainer:output", "fc1.weight", "fc2.weight", "fc3.weight",
                "ln.weight", "ln.weight_1", "ln.bias", "ln.bias_1"), g.keySet());
        assertEquals(8 * 3, g.get("trainer:output").length);
        assertTrue(g.get("trainer:loss")[0] > 0);
        assertTrue(o.out().contains("wrote the gradients of 7 parameters"), o.out());
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws Exception {
        Path model = model();
        String data = tmp.resolve("data.npz").toString();
        Cli.Outcome notNpz = Cli.run("gradients", "--model", model.toString(), "--data", data, "--out", tmp.resolve("g.csv").toString());
        assertEquals(2, notNpz.code());
        assertTrue(notNpz.err().contains("--out must end in .npz"), notNpz.err());

        Path random = tmp.resolve("random.onnx");
        Files.write(random, TrapModels.trainingModeDropout().proto().toByteArray());
        Cli.Outcome refused = Cli.run("gradients", "--model", random.toString(), "--data", data,
                "--out", tmp.resolve("r.npz").toString());
        assertEquals(2, refused.code());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertFalse(Files.exists(tmp.resolve("r.npz")));
    }
}
