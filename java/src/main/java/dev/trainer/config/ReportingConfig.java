package dev.trainer.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a run reports besides its fixed scores and {@code metrics.jsonl}: the top-k accuracy of
 * each validation, and the dashboards that also get the run's numbers.
 *
 * @param topK     the k of the top-k accuracy ({@code --top-k}), reported when the model has more
 *                 than k classes
 * @param reportTo the sinks written into the run folder beside {@code metrics.jsonl}
 *                 ({@code --report-to}); empty for none
 */
public record ReportingConfig(int topK, Set<Sink> reportTo) {

    /** Top-5 accuracy, as ImageNet results quote it; no other sink. */
    public static final ReportingConfig DEFAULT = new ReportingConfig(5, Set.of());

    /** @throws IllegalArgumentException for a k below 1 */
    public ReportingConfig {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be at least 1, got " + topK);
        }
        // an enum set iterates in declaration order, so run.json lists the sinks the same way every time
        reportTo = Collections.unmodifiableSet(reportTo.isEmpty() ? EnumSet.noneOf(Sink.class) : EnumSet.copyOf(reportTo));
    }
}
