package dev.trainer.config;

/**
 * An option's value that is more than a number: a schedule, a class-weight rule, a pattern. Each
 * such type has a static {@code parse(String)} that reads what a user types on the command line
 * and throws {@link IllegalArgumentException} with one line naming the option, and {@link #spec()}
 * writes it back, so that {@code parse(spec())} equals the value. {@code run.json} stores the specs.
 */
public interface OptionValue {

    /** The value as the command line writes it, e.g. {@code cosine:1.0E-5}. */
    String spec();
}
