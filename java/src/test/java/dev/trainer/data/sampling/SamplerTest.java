package dev.trainer.data.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.SamplerKind;
import dev.trainer.data.Labels;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SamplerTest {

    /** 900 / 90 / 10 samples of classes 0 / 1 / 2, interleaved so that class is not position. */
    private static final Labels SKEWED = skewed();

    private static Labels skewed() {
        int[] classes = new int[1000];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = i % 100 == 0 ? 2 : i % 10 == 5 && i % 100 < 90 ? 1 : 0;
        }
        return Labels.ofClasses(classes);
    }

    private static int[] flatten(int[][] batches) {
        return Arrays.stream(batches).flatMapToInt(Arrays::stream).toArray();
    }

    private static int[] classCounts(int[] indices) {
        int[] counts = new int[3];
        for (int i : indices) {
            counts[SKEWED.classes()[i]]++;
        }
        return counts;
    }

    @Test
    void theFixtureIsAsSkewedAsItSays() {
        assertArrayEquals(new int[] {900, 90, 10}, classCounts(java.util.stream.IntStream.range(0, 1000).toArray()));
    }

    @Test
    void balancedDrawsEachClassAboutEquallyOften() {
        Sampler sampler = Sampler.of(SamplerKind.parse("balanced"), SKEWED);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[][] batches = sampler.epochBatches(64, 42, epoch);
            int[] counts = classCounts(flatten(batches));

            assertEquals(1000, sampler.epochSize());
            assertEquals(16, batches.length);
            assertEquals(1000 - 15 * 64, batches[15].length);
            // Binomial(1000, 1/3): sd ≈ 14.9, so ±75 is five sd; the seed is fixed, this only guards the logic
            for (int count : counts) {
                assertTrue(Math.abs(count - 1000 / 3.0) < 75, Arrays.toString(counts));
            }
        }
    }

    @Test
    void oversampleBringsEveryClassToTheMajorityAndKeepsEveryOriginal() {
        Sampler sampler = Sampler.of(SamplerKind.parse("oversample"), SKEWED);
        int[] epoch = flatten(sampler.epochBatches(100, 7, 1));
        int[] timesSeen = new int[1000];
        Arrays.stream(epoch).forEach(i -> timesSeen[i]++);

        assertEquals(2700, sampler.epochSize());
        assertArrayEquals(new int[] {900, 900, 900}, classCounts(epoch));
        for (int i = 0; i < 1000; i++) {
            int expected = switch (SKEWED.classes()[i]) {
                case 0 -> 1;
                case 1 -> 10;
                default -> 90;
            };
            assertEquals(expected, timesSeen[i], "sample " + i);
        }
        assertFalse(Arrays.equals(Arrays.stream(epoch).sorted().toArray(), epoch), "the epoch is shuffled");
    }

    @Test
    void oversampleDrawsTheRemainderWithoutReplacement() {
        // classes of 5 and 2: class 1 gets its 2 samples twice plus 1 of them once more
        Labels labels = Labels.ofClasses(new int[] {0, 0, 1, 0, 0, 1, 0});
        int[] epoch = flatten(EqualCountSampler.oversample(labels).epochBatches(4, 3, 0));
        int[] timesSeen = new int[7];
        Arrays.stream(epoch).forEach(i -> timesSeen[i]++);

        assertEquals(10, epoch.length);
        assertEquals(5, timesSeen[2] + timesSeen[5]);
        assertTrue(Math.abs(timesSeen[2] - timesSeen[5]) == 1, Arrays.toString(timesSeen));
    }

    @Test
    void undersampleCutsEveryClassToTheMinorityAndDrawsAfreshEachEpoch() {
        Sampler sampler = Sampler.of(SamplerKind.parse("undersample"), SKEWED);
        int[] epoch0 = flatten(sampler.epochBatches(8, 7, 0));
        int[] epoch1 = flatten(sampler.epochBatches(8, 7, 1));

        assertEquals(30, sampler.epochSize());
        assertArrayEquals(new int[] {10, 10, 10}, classCounts(epoch0));
        assertEquals(30, Arrays.stream(epoch0).distinct().count(), "drawn without replacement");
        assertFalse(Arrays.equals(Arrays.stream(epoch0).sorted().toArray(), Arrays.stream(epoch1).sorted().toArray()));
    }

    @Test
    void everySamplerIsAFunctionOfSeedAndEpoch() {
        for (String name : new String[] {"balanced", "oversample", "undersample"}) {
            Sampler sampler = Sampler.of(SamplerKind.parse(name), SKEWED);
            Sampler again = Sampler.of(SamplerKind.parse(name), SKEWED);

            assertArrayEquals(sampler.epochBatches(32, 5, 2), again.epochBatches(32, 5, 2), name);
            assertFalse(Arrays.equals(flatten(sampler.epochBatches(32, 5, 2)), flatten(sampler.epochBatches(32, 5, 3))), name);
            assertFalse(Arrays.equals(flatten(sampler.epochBatches(32, 5, 2)), flatten(sampler.epochBatches(32, 6, 2))), name);
        }
    }

    @Test
    void specsAndLabelsAreChecked() {
        assertInstanceOf(BalancedSampler.class, Sampler.of(SamplerKind.parse(" Balanced "), SKEWED));
        assertEquals("--sampler 'smote': unknown value; use balanced, oversample or undersample",
                assertThrows(IllegalArgumentException.class, () -> SamplerKind.parse("smote")).getMessage());
        assertEquals("the oversample sampler needs class labels, not regression targets",
                assertThrows(IllegalArgumentException.class,
                        () -> Sampler.of(SamplerKind.parse("oversample"), Labels.ofTargets(new long[] {1}, new float[3]))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(SamplerKind.parse("balanced"), SKEWED).epochBatches(0, 1, 1));
    }
}
