package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.diagnose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo command is a healthy run: it improves the model and gets a clean bill. */
class HealthyRunScenarioTest {

    @TempDir
    Path tmp;

    /** The arguments of the README's {@code ./trainer fine-tune ...} demo, with paths made relative to java/. */
    private List<String> readmeDemo(Path out) throws Exception {
        String line = Files.readAllLines(Path.of("../README.md")).stream()
                .filter(l -> l.contains("./trainer fine-tune --model models/digits/model.onnx")).findFirst()
                .orElseThrow(() -> new AssertionError("the README has no digits demo"));
        String[] words = line.substring(line.indexOf("./trainer fine-tune") + "./trainer fine-tune".length()).strip().split("\\s+");
        List<String> args = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            args.add(words[i].startsWith("models/") ? "../" + words[i] : words[i]);
            if (words[i].equals("--out")) {
                args.set(args.size() - 1, "--out");
                args.add(out.toString());
                i++;
            }
        }
        return args;
    }

    @Test
    void theReadmeDemoGetsACleanBill() throws Exception {
        Path run = tmp.resolve("digits");
        List<String> args = readmeDemo(run);
        assertTrue(args.contains("--val"), "the demo validates: " + args);
        var outcome = Scenario.cli(Scenario.concat(new String[] {"fine-tune"}, args.toArray(String[]::new))).ok();
        String diagnosis = diagnose(run, outcome);
        assertTrue(diagnosis.startsWith("no problems found: "), diagnosis);
        assertTrue(Scenario.findings(diagnosis).isEmpty(), diagnosis);

        double shipped = Scenario.evaluate(Scenario.DIGITS_MODEL, Scenario.DIGITS_VAL).accuracy();
        double tuned = Scenario.evaluate(run.resolve("model.onnx"), Scenario.DIGITS_VAL).accuracy();
        assertTrue(tuned > shipped + 0.1, "about 80% before, about 95% after: " + shipped + " -> " + tuned);
        double[] valLoss = Scenario.perEpoch(run, "val_loss");
        for (int i = 1; i < valLoss.length; i++) {
            assertTrue(valLoss[i] < valLoss[i - 1], "validation loss falls every epoch: " + Arrays.toString(valLoss));
        }
    }
}
