package dev.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.GraphTraps;
import dev.trainer.edit.TrapModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's one-batch gradients, on a model whose two LayerNorms share their weight and bias as torch 2.x exports them. */
class GradientsTest {

    @TempDir
    Path tmp;

    private FineTuning layerNorms(List<String> notes) throws Exception {
        Path model = tmp.resolve("layernorms.onnx");
        Files.write(model, TrapModels.mergedLayerNorms().proto().toByteArray());
        Random random = new Random(3);
        float[][] x = new float[6][4];
        for (float[] row : x) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return FineTuning.of(model).train(Data.of(x, new int[] {0, 1, 2, 2, 1, 0}))
                .listener((event, control) -> notes.add(event.toString()));
    }

    @Test
    void aSharedTensorsGradientIsTheSumOfItsUntiedCopiesGradients() throws Exception {
        List<String> notes = new ArrayList<>();
        Gradients tied = layerNorms(notes).gradients();
        assertTrue(notes.stream().anyMatch(n -> n.contains("look like the exporter's merges")), notes.toString());
        Gradients untied = layerNorms(notes).configure(c -> c.with(c.model().with(new GraphTraps(true, false))))
                .gradients();

        assertEquals(Set.of("fc1.weight", "fc2.weight", "fc3.weight", "ln.weight", "ln.bias"), Set.copyOf(tied.parameters()));
        assertEquals(7, untied.parameters().size());
        assertEquals(tied.loss(), untied.loss(), 1e-6 * tied.loss());
        for (String p : List.of("ln.weight", "ln.bias")) {
            float[] first = untied.gradient(p);
            float[] second = untied.gradient(p + "_1");
            assertFalse(Arrays.equals(first, second), p + ": the two layers' gradients must differ");
            float[] sum = new float[first.length];
            for (int i = 0; i < sum.length; i++) {
                sum[i] = first[i] + second[i];
            }
            assertArrayEquals(tied.gradient(p), sum, 1e-6f, p);
        }
        assertArrayEquals(tied.gradient("fc1.weight"), untied.gradient("fc1.weight"), 1e-6f);
        assertArrayEquals(new long[] {5, 4}, tied.shape("fc1.weight"));
        assertThrows(IllegalArgumentException.class, () -> tied.gradient("nope"));
    }

    @Test
    void theFileIsCheckedBeforeAnyWorkAndWrittenWhole() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Gradients.requireWritable(tmp.resolve("g.csv")));
        assertThrows(IllegalArgumentException.class, () -> Gradients.requireWritable(tmp.resolve("no/g.npz")));
        Gradients g = layerNorms(new ArrayList<>()).gradients();
        Path file = tmp.resolve("g.npz");
        g.write(file);
        assertTrue(Files.size(file) > 0);
        try (var listing = Files.list(tmp)) {
            assertTrue(listing.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }
}
