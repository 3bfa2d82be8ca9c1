package dev.trainer.config;

import java.util.Locale;

/**
 * Where training runs: {@code cpu}, or {@code cuda} / {@code cuda:N} for the N-th GPU. Which
 * devices a build can use is the runtime's business; this only names one.
 *
 * @param kind  {@code cpu} or {@code cuda}
 * @param index the device's index among its kind, 0 for the CPU
 */
public record Device(String kind, int index) implements OptionValue {

    /** The host CPU, the default. */
    public static final Device CPU = new Device("cpu", 0);

    /** @throws IllegalArgumentException for another kind, a negative index or a CPU index */
    public Device {
        if (!kind.equals("cpu") && !kind.equals("cuda")) {
            throw new IllegalArgumentException("--device '" + kind + "': use cpu or cuda[:N]");
        }
        if (index < 0 || (kind.equals("cpu") && index != 0)) {
            throw new IllegalArgumentException("--device " + kind + ":" + index + ": no such device index");
        }
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda")) {
            return new Device("cuda", 0);
        }
        if (s.startsWith("cuda:")) {
            try {
                return new Device("cuda", Integer.parseInt(s.substring("cuda:".length())));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("--device '" + spec + "': use cpu or cuda[:N]");
    }

    @Override
    public String spec() {
        return kind.equals("cpu") ? "cpu" : "cuda:" + index;
    }
}
