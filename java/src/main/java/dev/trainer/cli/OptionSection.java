package dev.trainer.cli;

/** A mixin of options that {@code --help} lists under a heading of its own. */
interface OptionSection {

    /** The heading, e.g. {@code Training loop}. */
    String heading();
}
