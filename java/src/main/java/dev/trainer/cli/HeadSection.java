package dev.trainer.cli;

import dev.trainer.config.HeadSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A new or re-initialised classification head, and how text is tokenized. */
final class HeadSection implements OptionSection {

    @Option(names = "--head", paramLabel = "classify:N[:pool=mean|cls]", converter = Converters.Head.class,
            description = "Attach pooling and a new N-class linear layer to a backbone's [batch, seq, hidden] output.")
    HeadSpec head;

    @Option(names = "--replace-head", paramLabel = "N",
            description = "Re-initialise the model's last linear classifier for N classes.")
    int replaceHead;

    @Mixin
    TextOptions text;

    @Override
    public String heading() {
        return "Heads and text";
    }
}
