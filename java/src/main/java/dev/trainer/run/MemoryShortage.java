package dev.trainer.run;

import dev.trainer.config.RunConfig;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Running out of memory, said in one line: the allocation that failed and its size, what the Java
 * heap may grow to, how big the batches were, and the options that make them smaller. Native
 * allocations (batch buffers, the parameter buffer) fail with the JDK's "Unable to allocate N
 * bytes", the Java heap with "Java heap space", ONNX Runtime with its own words.
 */
public final class MemoryShortage {

    /** The JDK's "Unable to allocate 549755813680 bytes", ORT's "buffer of size 703687441776640". */
    private static final Pattern BYTES = Pattern.compile("(?:allocate|of size) (\\d+)");

    private MemoryShortage() {
    }

    /**
     * @param config the run's settings, for the batch sizes; {@code null} when unknown
     */
    public static String describe(OutOfMemoryError e, RunConfig config) {
        String failed = e.getMessage() == null ? "an allocation failed" : e.getMessage();
        Matcher bytes = BYTES.matcher(failed);
        if (bytes.find()) {
            failed += " (" + size(Long.parseLong(bytes.group(1))) + ")";
        }
        StringBuilder s = new StringBuilder("out of memory: ").append(failed).append("; the Java heap may grow to ")
                .append(size(Runtime.getRuntime().maxMemory()));
        boolean text = config == null || config.data().text();
        if (config != null) {
            s.append("; batches of ").append(config.loop().batchSize()).append(" samples");
            if (text) {
                s.append(" of up to ").append(config.text().maxLength()).append(" tokens");
            }
        }
        s.append("; try a smaller --batch-size").append(text ? " or --max-length" : "");
        if (failed.contains("Java heap")) {
            s.append(", or a larger heap (JAVA_TOOL_OPTIONS=-Xmx...)");
        }
        return s.toString();
    }

    /** Bytes in the largest binary unit that keeps a number of at least 1. */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
