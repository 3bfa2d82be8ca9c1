package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchSource;
import dev.trainer.data.Datasets;
import dev.trainer.data.Labelling;
import dev.trainer.data.ElementType;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Task;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text batches fed by input name into the real all-MiniLM-L6-v2 (from the test-scoped langchain4j
 * jar), loaded by plain ONNX Runtime: a sample padded to a longer batch must give the same hidden states on its tokens as alone,
 * which holds only if ids, mask and token types reach the right inputs and padding is masked.
 */
class TextBatchInferenceTest {

    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/" + name)) {
            Path file = dir.resolve(name);
            Files.copy(in, file);
            return file;
        }
    }

    @Test
    void aPaddedSampleEncodesAsItDoesAlone() throws IOException, OrtException {
        Path jsonl = Files.writeString(dir.resolve("d.jsonl"), """
                {"text": "rain later"}
                {"text": "the striker curled the free kick into the top corner", "text_pair": "goal"}
                """);
        List<InputSpec> inputs = Stream.of("input_ids", "attention_mask", "token_type_ids")
                .map(name -> new InputSpec(name, ElementType.INT64, new long[] {-1, -1})).toList();
        try (TextTokenizer tokenizer = TextTokenizer.load(resource("all-minilm-l6-v2-tokenizer.json"), 64);
             OrtSession session = OrtEnvironment.getEnvironment().createSession(
                     resource("all-minilm-l6-v2.onnx").toString(), new OrtSession.SessionOptions());
             Arena arena = Arena.ofConfined()) {
            TextDataset data = (TextDataset) Datasets.read(jsonl, inputs, new Labelling(Task.CLASSIFICATION, "label", null, false), Datasets.TextOptions.training(tokenizer));
            String output = session.getOutputNames().iterator().next();
            BatchSource batches = data.batches(2, arena);
            int shortLength = data.ids(0).length;
            int longLength = data.ids(1).length;

            float[] alone = OrtFeeds.run(session, batches.assemble(new int[] {0}), inputs, Map.of(),
                    List.of(output)).get(output);
            Batch both = batches.assemble(new int[] {0, 1});
            float[] padded = OrtFeeds.run(session, both, inputs, Map.of(), List.of(output)).get(output);

            int hidden = alone.length / shortLength;
            assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids"), session.getInputNames());
            assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), both.inputNames());
            assertEquals(384, hidden);
            assertEquals(2 * longLength * hidden, padded.length);
            float[] paddedFirst = Arrays.copyOf(padded, shortLength * hidden);
            for (int i = 0; i < alone.length; i++) {
                assertEquals(alone[i], paddedFirst[i], 1e-4f, "hidden value " + i);
            }
            assertArrayEquals(new long[] {2, longLength}, both.input("input_ids").shape());
        }
    }
}
