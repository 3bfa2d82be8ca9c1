package dev.trainer.sinks.tensorboard;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A TensorBoard event file, {@code DIR/tb/events.out.tfevents.<seconds>.<host>}: scalars
 * against the step, images (a confusion matrix) and Markdown text (the run's settings), each
 * call one event written and flushed at once, so that a running TensorBoard shows it.
 *
 * <p>Owns the open file; close it. Not thread-safe.
 */
public final class TensorBoardWriter implements AutoCloseable {

    /** The tag the run settings are written under. */
    public static final String SETTINGS_TAG = "run/settings";

    private final Path file;
    private final TfRecordWriter records;

    private TensorBoardWriter(Path file) throws IOException {
        this.file = file;
        this.records = new TfRecordWriter(file);
        records.write(EventMessages.fileVersion(now()));
    }

    /**
     * Creates {@code runDir/tb/} if needed and a new event file in it, named as TensorFlow
     * names them (TensorBoard reads every {@code *tfevents*} file in the folder, in name order).
     * A file of the same second (a run resumed at once) is never overwritten: the new one takes
     * the next free suffix, which sorts after it.
     *
     * @throws UncheckedIOException when the folder or file cannot be written
     */
    public static TensorBoardWriter create(Path runDir) {
        Path dir = runDir.resolve("tb");
        String name = "events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + hostName();
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(dir);
            for (int suffix = 1; ; suffix++) {
                try {
                    return new TensorBoardWriter(file);
                } catch (FileAlreadyExistsException taken) {
                    file = dir.resolve(name + "." + suffix);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TensorBoard file " + file, e);
        }
    }

    /** The event file. */
    public Path file() {
        return file;
    }

    /**
     * Scalars of one step, by tag (e.g. {@code train/loss}, {@code val/accuracy}); non-finite
     * values are left out, as TensorBoard cannot plot them.
     */
    public void scalars(long step, Map<String, Double> values) {
        List<byte[]> encoded = new ArrayList<>();
        values.forEach((tag, value) -> {
            if (Double.isFinite(value)) {
                encoded.add(EventMessages.scalar(tag, value.floatValue()));
            }
        });
        if (!encoded.isEmpty()) {
            write(EventMessages.summary(now(), step, encoded));
        }
    }

    /** An image, stored as PNG. */
    public void image(String tag, long step, BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the image " + tag, e);
        }
        int channels = image.getColorModel().getNumComponents();
        write(EventMessages.summary(now(), step, List.of(EventMessages.image(tag, png.toByteArray(),
                image.getHeight(), image.getWidth(), channels))));
    }

    /**
     * Marks a resumed run: TensorBoard drops the events of earlier files from {@code step} on (the
     * steps the run takes again), so that each step shows once.
     */
    public void restart(long step) {
        write(EventMessages.sessionStart(now(), step));
    }

    /** Markdown text, shown by TensorBoard's text dashboard. */
    public void text(String tag, long step, String markdown) {
        write(EventMessages.summary(now(), step, List.of(EventMessages.text(tag, markdown))));
    }

    /** The run's settings as a two-column Markdown table under {@link #SETTINGS_TAG}, at step 0. */
    public void settings(Map<String, ?> settings) {
        StringBuilder table = new StringBuilder("| setting | value |\n| --- | --- |\n");
        settings.forEach((name, value) -> table.append("| ").append(cell(name)).append(" | ")
                .append(cell(String.valueOf(value))).append(" |\n"));
        text(SETTINGS_TAG, 0, table.toString());
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private void write(byte[] event) {
        try {
            records.write(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TensorBoard file " + file, e);
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        try {
            records.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the TensorBoard file " + file, e);
        }
    }
}
