package dev.trainer.plot;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.function.IntPredicate;

/** Counting pixels of a rendered chart, to check that something was drawn in some colour. */
public final class Pixels {

    private Pixels() {
    }

    /** Pixels whose RGB value passes {@code test}. */
    public static long count(BufferedImage image, IntPredicate test) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += test.test(image.getRGB(x, y)) ? 1 : 0;
            }
        }
        return n;
    }

    /** Exactly that colour. */
    public static IntPredicate exactly(Color color) {
        return rgb -> (rgb & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF);
    }

    /** Clearly blue, such as {@code #1F77B4} and its anti-aliased edges. */
    public static boolean isBluish(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int b = rgb & 0xff;
        return b > 150 && b - r > 60;
    }

    /** Clearly red, such as {@code #D62728} and its anti-aliased edges. */
    public static boolean isReddish(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        return r > 150 && r - g > 60;
    }
}
