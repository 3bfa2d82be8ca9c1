package dev.trainer.data.normalize;

import dev.trainer.config.NormalizeMethod;
import dev.trainer.data.Dataset;
import dev.trainer.data.Feature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-feature normalization of one floating input, x' = (x − offset) / scale, with one offset and
 * one scale per element of the input's sample shape (per pixel of an image, per column of a
 * table). Fitted on the training split only, so that nothing of the validation data leaks into
 * training; the same statistics then go into run.json (this record's plain fields) and in front
 * of the exported model (see {@code dev.trainer.edit.InputNormalization}), so the model takes raw
 * inputs as before.
 *
 * @param input       the model input it applies to
 * @param method      how the statistics were computed
 * @param sampleShape the shape of one sample of the input; copied in and out
 * @param offset      subtracted first, one per sample element; copied in and out
 * @param scale       divided by next, one per sample element, always positive; copied in and out
 */
public record Normalization(String input, NormalizeMethod method, long[] sampleShape, float[] offset, float[] scale) {

    /**
     * A scale below this counts as zero, i.e. a constant feature, and becomes 1: such a feature
     * then maps to 0 instead of to 0/0 or to noise blown up by a billion.
     */
    public static final double SCALE_FLOOR = 1e-12;

    public Normalization {
        sampleShape = sampleShape.clone();
        offset = offset.clone();
        scale = scale.clone();
        if (offset.length != scale.length || offset.length != Arrays.stream(sampleShape).reduce(1, Math::multiplyExact)) {
            throw new IllegalArgumentException("normalization of '" + input + "': " + offset.length + " offsets and "
                    + scale.length + " scales for sample shape " + Arrays.toString(sampleShape));
        }
        for (float s : scale) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("normalization of '" + input + "': scale " + s + " is not positive and finite");
            }
        }
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public float[] offset() {
        return offset.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    /**
     * Computes the statistics of {@code input} over every sample of {@code train}, in double.
     *
     * @throws IllegalArgumentException when the input is not FLOAT or DOUBLE, or there are no samples
     */
    public static Normalization fit(Dataset train, String input, NormalizeMethod method) {
        Feature feature = train.feature(input);
        if (!feature.type().isFloating()) {
            throw new IllegalArgumentException("cannot normalize input '" + input + "' of " + feature.type()
                    + ": only float inputs");
        }
        int n = feature.size();
        if (n == 0) {
            throw new IllegalArgumentException("cannot normalize input '" + input + "': no training samples");
        }
        int d = feature.sampleSize();
        float[] x = feature.floats();
        float[] offset = new float[d];
        float[] scale = new float[d];
        for (int j = 0; j < d; j++) {
            double shift;
            double spread;
            if (method == NormalizeMethod.STANDARD) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += x[i * d + j];
                }
                shift = sum / n;
                // two passes: the one-pass sum-of-squares formula cancels badly for large means
                double squares = 0;
                for (int i = 0; i < n; i++) {
                    double centered = x[i * d + j] - shift;
                    squares += centered * centered;
                }
                spread = Math.sqrt(squares / n);
            } else {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    min = Math.min(min, x[i * d + j]);
                    max = Math.max(max, x[i * d + j]);
                }
                shift = min;
                spread = max - min;
            }
            offset[j] = (float) shift;
            scale[j] = spread < SCALE_FLOOR ? 1f : (float) spread;
        }
        return new Normalization(input, method, feature.sampleShape(), offset, scale);
    }

    /** {@link #fit} for every FLOAT or DOUBLE input of {@code train}, in input order; integer inputs are skipped. */
    public static List<Normalization> fitFloatInputs(Dataset train, NormalizeMethod method) {
        List<Normalization> fitted = new ArrayList<>();
        for (String name : train.inputNames()) {
            if (train.feature(name).type().isFloating()) {
                fitted.add(fit(train, name, method));
            }
        }
        return fitted;
    }

    /**
     * A copy of {@code data} with this input normalized, computed in float as
     * {@code (x - offset) / scale}: the same operations, in the same precision, as the Sub and
     * Div that {@code InputNormalization} puts in front of a float model. Other inputs and the
     * labels are shared with {@code data}.
     *
     * @throws IllegalArgumentException when the input's sample shape differs from the fitted one
     */
    public Dataset apply(Dataset data) {
        Feature feature = data.feature(input);
        if (!Arrays.equals(feature.sampleShape(), sampleShape)) {
            throw new IllegalArgumentException(data.source() + ": input '" + input + "' has samples of "
                    + Arrays.toString(feature.sampleShape()) + ", but the normalization was fitted on "
                    + Arrays.toString(sampleShape));
        }
        float[] x = feature.floats();
        float[] normalized = new float[x.length];
        int d = offset.length;
        for (int i = 0; i < x.length; i++) {
            normalized[i] = (x[i] - offset[i % d]) / scale[i % d];
        }
        Map<String, Feature> features = new LinkedHashMap<>();
        for (String name : data.inputNames()) {
            features.put(name, name.equals(input) ? Feature.ofFloats(feature.type(), sampleShape, normalized)
                    : data.feature(name));
        }
        return new Dataset(data.source(), features, data.hasLabels() ? data.labels() : null);
    }
}
