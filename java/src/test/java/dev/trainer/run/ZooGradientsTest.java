package dev.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.cli.Cli;
import dev.trainer.data.NpzArrays;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sharp oracle on the zoo's small models (scripts/zoo --fixtures): tiny versions of the torchvision
 * architectures that need the newer rules (Swin, MaxViT, DenseNet) and the transformer blocks in both
 * export styles. {@code trainer gradients} must give every parameter's gradient of one batch's loss
 * within 1e-4 (relative, per tensor) of PyTorch's float64 autograd, and the logits and loss likewise.
 */
class ZooGradientsTest {

    private static final Path ZOO = Path.of("src/test/resources/fixtures/zoo");
    private static final double BOUND = 1e-4;
    /** A float64 gradient below this fraction of the model's largest is zero up to rounding. */
    private static final double ZERO = 1e-6;

    @TempDir
    Path tmp;

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> dirs = Files.list(ZOO)) {
            return dirs.map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void gradientsMatchPyTorchFloat64(String name) throws Exception {
        Path fixture = ZOO.resolve(name);
        Path out = tmp.resolve("gradients.npz");
        Cli.Outcome o = Cli.run("gradients", "--model", fixture.resolve("model.onnx").toString(),
                "--data", fixture.resolve("data.npz").toString(), "--out", out.toString(), "--threads", "1");
        assertEquals(0, o.code(), o.err());
        Map<String, float[]> ours = NpzArrays.read(out);
        Map<String, float[]> torch = NpzArrays.read(fixture.resolve("gradients.npz"));
        assertEquals(new TreeSet<>(torch.keySet().stream().filter(k -> !k.startsWith("torch:")).toList()),
                new TreeSet<>(ours.keySet().stream().filter(k -> !k.startsWith("trainer:")).toList()));
        double largest = torch.entrySet().stream().filter(e -> !e.getKey().startsWith("torch:"))
                .mapToDouble(e -> maxAbs(e.getValue())).max().orElseThrow();
        String worst = null;
        double worstError = 0;
        for (var e : torch.entrySet()) {
            if (e.getKey().startsWith("torch:")) {
                continue;
            }
            double scale = maxAbs(e.getValue());
            double error = maxDiff(ours.get(e.getKey()), e.getValue()) / (scale < ZERO * largest ? largest : scale);
            if (error > worstError) {
                worstError = error;
                worst = e.getKey();
            }
        }
        double logits = maxDiff(ours.get("trainer:output"), torch.get("torch:logits")) / maxAbs(torch.get("torch:logits"));
        double loss = Math.abs(ours.get("trainer:loss")[0] - torch.get("torch:loss")[0]) / torch.get("torch:loss")[0];
        System.out.printf("%s: worst gradient %s %.1e, logits %.1e, loss %.1e%n", name, worst, worstError, logits, loss);
        assertTrue(worstError <= BOUND, name + ": " + worst + " differs from PyTorch float64 by " + worstError);
        assertTrue(logits <= BOUND && loss <= BOUND, name + ": logits " + logits + ", loss " + loss);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(b.length, a.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
