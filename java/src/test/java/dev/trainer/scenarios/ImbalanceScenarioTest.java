package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.diagnose;
import static dev.trainer.scenarios.Scenario.events;
import static dev.trainer.scenarios.Scenario.findings;
import static dev.trainer.scenarios.Scenario.fineTune;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class imbalance: digits 0-4 in full but only {@value #RARE} examples of each of 5-9. The start
 * report flags the imbalance, the plain run gives up on a rare class (class collapse), and each
 * remedy (class weights, a balanced sampler, SMOTE) lifts the rare classes' recall.
 */
class ImbalanceScenarioTest {

    static final int RARE = 3;

    @TempDir
    Path tmp;

    /** Mean validation recall of classes 5-9 and of 0-4 at the last epoch. */
    private record Recall(double minority, double majority, double[] perClass) {
        static Recall of(Path run) {
            var last = events(run, "epoch").getLast();
            double[] recall = new double[last.path("val_per_class").size()];
            for (int c = 0; c < recall.length; c++) {
                recall[c] = last.path("val_per_class").get(c).path("recall").asDouble();
            }
            return new Recall(Scenario.mean(recall, 5, 10), Scenario.mean(recall, 0, 5), recall);
        }
    }

    @Test
    void rareClassesCollapseAndEachRemedyLiftsTheirRecall() {
        int[] kept = new int[10];
        Path train = Scenario.csvRows(Scenario.DIGITS_TRAIN, tmp.resolve("imbalanced.csv"),
                (row, label) -> (label < 5 || kept[label] < RARE) && ++kept[label] > 0);
        int max = Arrays.stream(kept).max().orElseThrow();
        String[] common = {"--model", Scenario.DIGITS_MODEL.toString(), "--train", train.toString(), "--val",
                Scenario.DIGITS_VAL.toString(), "--epochs", "10", "--lr", "0.003"};

        Path plain = tmp.resolve("plain");
        var run = fineTune(plain, common);
        assertTrue(run.out().contains(String.format(Locale.ROOT, "imbalance ratio (max/min count): %.2f  IMBALANCED",
                (double) max / RARE)), run.out());
        String diagnosis = diagnose(plain, run);
        assertTrue(findings(diagnosis).contains("class collapse"), diagnosis);
        Recall before = Recall.of(plain);
        assertTrue(Arrays.stream(before.perClass(), 5, 10).min().orElseThrow() <= 0.05,
                "some rare class is never recognised: " + Arrays.toString(before.perClass()));
        assertTrue(before.majority() > 0.95, "while the common ones are: " + before.majority());
        double plainAccuracy = events(plain, "epoch").getLast().path("val_accuracy").asDouble();

        String[][] remedies = {{"--class-weights", "auto"}, {"--sampler", "balanced"}, {"--augment", "smote"}};
        for (String[] remedy : remedies) {
            Path dir = tmp.resolve(remedy[0].substring(2));
            var fixed = fineTune(dir, Scenario.concat(common, remedy));
            Recall after = Recall.of(dir);
            String name = String.join(" ", remedy);
            assertTrue(after.minority() > before.minority() + 0.15, name + " lifts the rare classes' recall: "
                    + before.minority() + " -> " + after.minority());
            assertTrue(after.majority() > before.majority() - 0.05, name + " keeps the common classes: "
                    + before.majority() + " -> " + after.majority());
            double accuracy = events(dir, "epoch").getLast().path("val_accuracy").asDouble();
            assertTrue(accuracy > plainAccuracy, name + ": accuracy " + plainAccuracy + " -> " + accuracy);
            assertFalse(findings(fixed.diagnosis()).contains("class collapse"), name + ":\n" + fixed.diagnosis());
            assertEquals(name.replace("--", "").split(" ")[1],
                    Scenario.runJson(dir).path("config").path("balance").path(remedy[0].substring(2).replace('-', '_')).asText());
            if (remedy[0].equals("--augment")) {
                int added = (int) Scenario.number(fixed.out(), "SMOTE added (\\d+) synthetic samples");
                assertTrue(added >= 5 * (max - RARE) / 2, "SMOTE brings the rare classes towards the common: " + added);
            }
        }
    }
}
