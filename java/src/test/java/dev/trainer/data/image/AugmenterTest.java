package dev.trainer.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.ImageAugmentation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {

    /** A 2-channel-free 3x6x8 ramp, each value distinct and in (0, 1). */
    private static FloatImage ramp() {
        float[] v = new float[3 * 6 * 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i + 1f) / (v.length + 1);
        }
        return new FloatImage(3, 6, 8, v);
    }

    @Test
    void theGeneratorDependsOnSeedEpochAndSampleOnly() {
        long a = Augmenter.random(42, 1, 7).nextLong();

        assertEquals(a, Augmenter.random(42, 1, 7).nextLong());
        assertNotEquals(a, Augmenter.random(42, 2, 7).nextLong());
        assertNotEquals(a, Augmenter.random(42, 1, 8).nextLong());
        assertNotEquals(a, Augmenter.random(43, 1, 7).nextLong());
        assertNotEquals(Augmenter.random(0, 1, 2).nextLong(), Augmenter.random(0, 2, 1).nextLong());
    }

    @Test
    void flipMirrorsEachRowAndHappensAboutHalfTheTime() {
        FloatImage image = ramp();
        FloatImage mirrored = HorizontalFlip.apply(image);
        Augmenter flip = new Augmenter(new ImageAugmentation(true, false, 0, 0, 0, 0));

        int flipped = 0;
        for (int sample = 0; sample < 400; sample++) {
            FloatImage out = flip.afterResize(image, Augmenter.random(1, 1, sample));
            flipped += out.get(0, 0, 0) == image.get(0, 0, 7) ? 1 : 0;
        }

        assertEquals(image.get(2, 5, 0), mirrored.get(2, 5, 7));
        assertArrayEquals(image.values(), HorizontalFlip.apply(mirrored).values());
        assertTrue(flipped > 160 && flipped < 240, flipped + " of 400");
    }

    @Test
    void paddedCropShiftsByAtMostThePaddingAndFillsBlack() {
        FloatImage image = ramp();
        for (int sample = 0; sample < 50; sample++) {
            FloatImage out = PaddedCrop.apply(image, 2, new SplittableRandom(sample));
            int[] shift = findShift(image, out);
            assertTrue(Math.abs(shift[0]) <= 2 && Math.abs(shift[1]) <= 2, "shift " + shift[0] + ", " + shift[1]);
        }
    }

    /** The (dy, dx) with out(y, x) = in(y + dy, x + dx) wherever that is inside, and 0 elsewhere. */
    private static int[] findShift(FloatImage in, FloatImage out) {
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                if (isShift(in, out, dy, dx)) {
                    return new int[] {dy, dx};
                }
            }
        }
        throw new AssertionError("not a shift of the input");
    }

    private static boolean isShift(FloatImage in, FloatImage out, int dy, int dx) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean inside = y + dy >= 0 && y + dy < 6 && x + dx >= 0 && x + dx < 8;
                    float want = inside ? in.get(c, y + dy, x + dx) : 0;
                    if (out.get(c, y, x) != want) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Test
    void randomResizedCropsStayInsideWithinTheAreaAndRatioBounds() {
        FloatImage big = FloatImage.zeros(1, 40, 60);
        for (int sample = 0; sample < 200; sample++) {
            FloatImage crop = RandomResizedCrop.apply(big, new SplittableRandom(sample));
            double area = (double) crop.height() * crop.width() / (40 * 60);
            double ratio = (double) crop.width() / crop.height();
            assertTrue(area > 0.06 && area <= 1.0, "area " + area);
            assertTrue(ratio > 0.6 && ratio < 1.6, "ratio " + ratio);
        }
    }

    @Test
    void rotationByZeroIsTheIdentityAndCornersTurnBlack() {
        FloatImage image = ramp();
        FloatImage same = Rotation.apply(image, 1e-9, new SplittableRandom(3));
        FloatImage turned = Rotation.apply(new FloatImage(1, 9, 9, filled(81, 1f)), 45, new SplittableRandom(0));

        for (int i = 0; i < image.values().length; i++) {
            assertEquals(image.values()[i], same.values()[i], 1e-6);
        }
        assertEquals(1f, turned.get(0, 4, 4), 1e-6, "the centre stays");
        double angle = Math.abs(new SplittableRandom(0).nextDouble(-45, 45));
        assertTrue(angle < 10 || turned.get(0, 0, 0) < 0.5, "a corner comes from outside when turned by " + angle);
    }

    @Test
    void colorJitterScalesAndClipsWithinZeroAndOne() {
        FloatImage image = ramp();
        for (int sample = 0; sample < 20; sample++) {
            FloatImage out = ColorJitter.apply(image, 0.9, new SplittableRandom(sample));
            for (float v : out.values()) {
                assertTrue(v >= 0 && v <= 1, "value " + v);
            }
        }
        FloatImage grey = new FloatImage(1, 2, 2, new float[] {0.2f, 0.4f, 0.6f, 0.8f});
        FloatImage out = ColorJitter.apply(grey, 0.5, new SplittableRandom(5));
        SplittableRandom r = new SplittableRandom(5);
        double b = r.nextDouble(0.5, 1.5);
        double c = r.nextDouble(0.5, 1.5);
        double mean = 0.5 * b;
        assertEquals(Math.min(1, Math.max(0, c * 0.2 * b + (1 - c) * mean)), out.get(0, 0, 0), 1e-6);
    }

    @Test
    void erasingZeroesOneRectangleInEveryChannel() {
        FloatImage image = new FloatImage(3, 20, 20, filled(1200, 0.5f));
        FloatImage erased = RandomErasing.apply(image, 1.0, new SplittableRandom(9));

        int zeros = 0;
        for (float v : erased.values()) {
            zeros += v == 0 ? 1 : 0;
        }
        assertTrue(zeros > 0 && zeros % 3 == 0 && zeros / 3 <= 0.34 * 400 && zeros / 3 >= 0.01 * 400, zeros + " zeros");
        assertArrayEquals(image.values(), RandomErasing.apply(image, 0.0 + Double.MIN_VALUE, new SplittableRandom(9)).values());
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }
}
