package dev.trainer.data;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * Real tabular data sets for the data tools' tests, read as a model with one input
 * {@code x} of shape {@code [?, features]} would read them. Copies of the scikit-learn UCI sets
 * under src/test/resources/data.
 */
public final class RealData {

    private RealData() {
    }

    /** Breast Cancer Wisconsin: 569 samples, 30 features, classes 0/1 with 212/357 samples. */
    public static Dataset breastCancer() {
        return read("breast_cancer.csv", 30);
    }

    /** Wine: 178 samples, 13 features, classes 0/1/2 with 59/71/48 samples. */
    public static Dataset wine() {
        return read("wine.csv", 13);
    }

    private static Dataset read(String name, long features) {
        try {
            Path file = Path.of(RealData.class.getResource("/data/" + name).toURI());
            return Datasets.read(file, List.of(new InputSpec("x", ElementType.FLOAT, new long[] {-1, features})),
                    Task.CLASSIFICATION, Datasets.DEFAULT_LABEL_COLUMN);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
