package dev.trainer.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Where a run's numbers go besides {@code metrics.jsonl} ({@code --report-to}). */
public enum Sink implements OptionValue {
    /** TensorBoard event files in {@code DIR/tb/}: scalars, the confusion matrix as an image, the settings as text. */
    TENSORBOARD,
    /** {@code DIR/metrics.csv}: one row per number of every step, epoch and validation. */
    CSV;

    /** {@code tensorboard} or {@code csv}, one value of {@code --report-to}. */
    public static Sink parse(String text) {
        return Specs.constant("--report-to", text, values(), Sink::spec);
    }

    /**
     * A comma-separated list of sinks, e.g. {@code tensorboard,csv}.
     *
     * @throws IllegalArgumentException naming the option and the unknown sink
     */
    public static Set<Sink> parseList(String text) {
        Set<Sink> sinks = EnumSet.noneOf(Sink.class);
        for (String item : text.split(",", -1)) {
            try {
                sinks.add(parse(item));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--report-to '" + text + "': unknown sink '" + item.strip()
                        + "'; use tensorboard, csv or both");
            }
        }
        return sinks;
    }

    @Override
    public String spec() {
        return name().toLowerCase(Locale.ROOT);
    }
}
