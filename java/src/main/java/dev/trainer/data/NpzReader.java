package dev.trainer.data;

import dev.trainer.DataException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads an .npz file (a zip of .npy arrays, stored or deflated): one array per model input,
 * named as the input, an array {@code labels} and, when named, an array of per-sample loss
 * weights; each array's first axis is the samples. Arrays no input asks for are ignored.
 */
final class NpzReader {

    /** The array that holds the labels. */
    static final String LABELS = "labels";

    private final String source;

    private NpzReader(Path file) {
        this.source = file.toString();
    }

    static Dataset read(Path file, List<InputSpec> inputs, Labelling labelling) throws IOException {
        return new NpzReader(file).readFile(file, inputs, labelling);
    }

    private Dataset readFile(Path file, List<InputSpec> inputs, Labelling labelling) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException notAZip) {
            throw new DataException(source + " is not an .npz file (not a zip archive): " + Datasets.reason(notAZip),
                    notAZip);
        }
        try (zip) {
            Map<String, Feature> features = new LinkedHashMap<>();
            int samples = -1;
            String firstArray = null;
            for (InputSpec input : inputs) {
                NpyArray array = array(zip, input.name());
                if (array == null) {
                    throw new DataException(source + " has no array '" + input.name() + "' for input '"
                            + input.name() + "' (" + arrays(zip) + ")");
                }
                Feature feature = toFeature(array, input);
                if (samples >= 0 && feature.size() != samples) {
                    throw new DataException(source + ": array '" + input.name() + "' has " + feature.size()
                            + " samples, but '" + firstArray + "' has " + samples);
                }
                samples = feature.size();
                firstArray = input.name();
                features.put(input.name(), feature);
            }
            NpyArray labelArray = array(zip, LABELS);
            if (labelArray == null && labelling.required()) {
                throw new DataException(source + " has no array '" + LABELS + "' (" + arrays(zip) + ")");
            }
            Labels labels = labelArray == null ? null : toLabels(labelArray, labelling.task());
            if (labels != null && labels.size() != samples) {
                throw new DataException(source + ": array '" + LABELS + "' has " + labels.size()
                        + " samples, but '" + firstArray + "' has " + samples);
            }
            NpyArray weights = labelling.sampleWeights() == null ? null : array(zip, labelling.sampleWeights());
            if (labels != null && weights != null) {
                labels = withWeights(labels, weights, labelling.sampleWeights());
            }
            return new Dataset(source, features, labels);
        }
    }

    /**
     * One array, checked against the zip's record of it: its CRC-32 and size. Zip readers other
     * than a stream's do not check them, and a flipped bit in a stored (uncompressed) array would
     * otherwise load as a different number.
     */
    private NpyArray array(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name + ".npy");
        if (entry == null) {
            return null;
        }
        CRC32 crc = new CRC32();
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
            NpyArray array = NpyReader.read(in, where(name), entry.getSize());
            long extra = in.skip(1);
            if (extra > 0 || in.getChecksum().getValue() != entry.getCrc()) {
                throw new DataException(where(name) + " is corrupt: "
                        + (extra > 0 ? "bytes follow its data" : "its CRC-32 does not match the zip's record"));
            }
            if (array.shape().length == 0) {
                throw new DataException(where(name) + " is a scalar; its first axis must be the samples");
            }
            return array;
        } catch (ZipException | EOFException e) {
            throw new DataException(where(name) + " is corrupt: " + Datasets.reason(e), e);
        }
    }

    private Feature toFeature(NpyArray array, InputSpec input) {
        long[] sampleShape = array.sampleShape();
        if (!input.accepts(sampleShape)) {
            throw new DataException(where(input.name()) + " has shape " + Shapes.format(array.shape())
                    + ", but input '" + input.name() + "' takes " + Shapes.format(input.shape()));
        }
        if (Shapes.elementCount(sampleShape) == 0) {
            throw new DataException(where(input.name()) + " has shape " + Shapes.format(array.shape())
                    + ": its samples are empty");
        }
        if (input.type().isFloating()) {
            return Feature.ofFloats(input.type(), sampleShape, array.toFloats());
        }
        if (array.dtype().isFloating()) {
            throw new DataException(where(input.name()) + " holds " + array.dtype().descr() + ", but input '"
                    + input.name() + "' takes " + input.type() + "; save it as an integer array");
        }
        long[] values = array.toLongs();
        for (int i = 0; i < values.length; i++) {
            if (!input.type().fits(values[i])) {
                throw new DataException(where(input.name()) + ": value " + values[i] + " of sample "
                        + (i / Shapes.elementCount(sampleShape) + 1) + " does not fit input '"
                        + input.name() + "' of type " + input.type());
            }
        }
        return Feature.ofLongs(input.type(), sampleShape, values);
    }

    private Labels toLabels(NpyArray array, Task task) {
        if (task == Task.REGRESSION) {
            return Labels.ofTargets(array.sampleShape(), array.toFloats());
        }
        long[] shape = array.shape();
        if (shape.length > 2 || shape.length == 2 && shape[1] != 1) {
            throw new DataException(where(LABELS) + " has shape " + Shapes.format(shape)
                    + "; class labels take one id per sample, shape [n] or [n, 1]");
        }
        float[] asFloats = array.dtype().isFloating() ? array.toFloats() : null;
        long[] asLongs = asFloats == null ? array.toLongs() : null;
        int[] classes = new int[array.elementCount()];
        for (int i = 0; i < classes.length; i++) {
            double value = asFloats != null ? asFloats[i] : asLongs[i];
            if (value != Math.rint(value) || value < 0 || value > Integer.MAX_VALUE) {
                throw new DataException(where(LABELS) + ": label " + value + " of sample " + (i + 1)
                        + " is not a class id (an integer >= 0)");
            }
            classes[i] = (int) value;
        }
        return Labels.ofClasses(classes);
    }

    private Labels withWeights(Labels labels, NpyArray weights, String name) {
        if (weights.shape().length != 1 || weights.shape()[0] != labels.size()) {
            throw new DataException(where(name) + " has shape " + Shapes.format(weights.shape()) + "; sample weights are one"
                    + " number per sample, shape [" + labels.size() + "]");
        }
        try {
            return labels.withWeights(weights.toFloats());
        } catch (IllegalArgumentException e) {
            throw new DataException(where(name) + ": " + e.getMessage());
        }
    }

    private String where(String arrayName) {
        return source + ": array '" + arrayName + "'";
    }

    /** What the file holds, for a message about what it lacks. */
    private static String arrays(ZipFile zip) {
        List<String> names = arrayNames(zip);
        return names.isEmpty() ? "it holds no arrays" : "arrays: " + Excerpt.of(String.join(", ", names));
    }

    private static List<String> arrayNames(ZipFile zip) {
        List<String> names = new ArrayList<>();
        zip.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".npy"))
                .forEach(name -> names.add(name.substring(0, name.length() - ".npy".length())));
        return names;
    }
}
