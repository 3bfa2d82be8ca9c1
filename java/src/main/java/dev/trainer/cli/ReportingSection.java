package dev.trainer.cli;

import dev.trainer.config.ReportingConfig;
import dev.trainer.config.Sink;
import java.util.Set;
import picocli.CommandLine.Option;

/** What validations report, and the dashboards that get the run's numbers besides metrics.jsonl. */
final class ReportingSection implements OptionSection {

    @Option(names = "--top-k", paramLabel = "K",
            description = "Report validations' top-K accuracy (default: ${DEFAULT-VALUE}).")
    int topK = ReportingConfig.DEFAULT.topK();

    @Option(names = "--report-to", paramLabel = "SINKS", converter = Converters.ReportTo.class,
            description = "tensorboard (DIR/tb/) and/or csv (DIR/metrics.csv), comma-separated.")
    Set<Sink> reportTo = Set.of();

    @Override
    public String heading() {
        return "Reporting";
    }

    ReportingConfig toConfig() {
        return new ReportingConfig(topK, reportTo);
    }
}
