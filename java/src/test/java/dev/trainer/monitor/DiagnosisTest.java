package dev.trainer.monitor;

import static dev.trainer.monitor.Traces.d;
import static dev.trainer.monitor.Traces.layer;
import static dev.trainer.monitor.Traces.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.events.DiagnosisEvent;
import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DiagnosisTest {

    private static List<Kind> kinds(DiagnosisEvent d) {
        return d.findings().stream().map(Finding::kind).toList();
    }

    private static Finding only(DiagnosisEvent d, Kind kind) {
        assertEquals(List.of(kind), kinds(d), d.render());
        return d.findings().getFirst();
    }

    private static String flags(Finding f) {
        return String.join(" | ", f.suggestions().stream().map(Finding.Suggestion::flags).toList());
    }

    /** Validation loss falling with the training loss and a small gap: the run every near-miss perturbs. */
    private static Traces healthy() {
        return trace().noisySteps(6, 40, 1.6, 0.4, 0.2, 1e-3, 7)
                .epochs(d(1.2, 0.8, 0.6, 0.5, 0.45, 0.42), d(1.15, 0.82, 0.65, 0.57, 0.54, 0.53),
                        d(0.6, 0.72, 0.8, 0.84, 0.86, 0.87))
                .classes(6, d(0.9, 0.85, 0.86), d(0.35, 0.32, 0.33))
                .layers(200, layer("fc1", 4096, 0.3, 0.1), layer("fc2", 1024, 0.2, 0.05), layer("head", 330, 0.5, 0))
                .layers(240, layer("fc1", 4096, 0.25, 0.12), layer("fc2", 1024, 0.15, 0.04), layer("head", 330, 0.4, 0));
    }

    @Nested
    class Healthy {

        @Test
        void aHealthyTraceGetsACleanBill() {
            DiagnosisEvent d = healthy().diagnosis();

            assertTrue(d.healthy(), d.render());
            assertEquals("no problems found: validation loss fell from 1.15 to 0.53 over 6 epochs; train/val gap 0.11; "
                    + "val_accuracy 0.87\n", d.render());
        }

        @Test
        void aRealDigitsRunIsHealthy() {
            DiagnosisEvent d = Diagnosis.of(RunHistory.read(Traces.resource("digits-healthy.jsonl")));

            assertTrue(d.healthy(), d.render());
            assertTrue(d.render().startsWith("no problems found: validation loss fell from 0.695 to 0.1267 over 8 epochs"),
                    d.render());
        }

        @Test
        void withoutValidationTheOverviewSaysOverfittingCannotBeJudged() {
            DiagnosisEvent d = trace().epochs(d(1.0, 0.6, 0.4), null, null).diagnosis();

            assertTrue(d.healthy(), d.render());
            assertTrue(d.overview().contains("without validation data overfitting cannot be judged"), d.overview());
        }

        @Test
        void anEmptyHistoryHasNothingToFind() {
            DiagnosisEvent d = trace().diagnosis();

            assertTrue(d.healthy());
            assertEquals("no steps recorded", d.overview());
        }
    }

    @Nested
    class Overfitting {

        @Test
        void validationLossRisingForEpochsWhileTrainingFalls() {
            Finding f = only(trace().epochs(d(1.0, 0.7, 0.5, 0.4, 0.32, 0.26, 0.21),
                    d(1.05, 0.8, 0.62, 0.56, 0.58, 0.61, 0.66), d(0.6, 0.7, 0.78, 0.8, 0.79, 0.78, 0.77)).diagnosis(),
                    Kind.OVERFITTING);

            assertEquals(Severity.WARNING, f.severity());
            assertTrue(f.title().contains("since epoch 4"), f.title());
            assertTrue(f.evidence().contains("lowest at epoch 4 (0.56), then 0.58, 0.61, 0.66 (epochs 5-7)"), f.evidence());
            assertTrue(f.evidence().contains("gap widened from 0.16 to 0.45"), f.evidence());
            assertTrue(f.evidence().contains("val_accuracy peaked at 0.8 (epoch 4)"), f.evidence());
            assertTrue(flags(f).contains("--early-stopping-patience 3"), flags(f));
            assertTrue(f.suggestions().getFirst().why().endsWith("(or --epochs 4)"), f.suggestions().getFirst().why());
            assertTrue(flags(f).contains("--weight-decay 1e-4"), flags(f));
        }

        @Test
        void overfittingThatEarlyStoppingUndidIsNotedNotWarned() {
            Finding f = only(trace().epochs(d(1.0, 0.7, 0.5, 0.4, 0.32, 0.26, 0.21),
                    d(1.05, 0.8, 0.62, 0.56, 0.58, 0.61, 0.66), null).restored(4).diagnosis(), Kind.OVERFITTING);

            assertEquals(Severity.INFO, f.severity());
            assertTrue(f.title().contains("handled by early stopping"), f.title());
            assertFalse(flags(f).contains("--early-stopping-patience 3"), flags(f));
        }

        @Test
        void bestEpochWellBeforeTheEndWithoutTwoRisesInARow() {
            DiagnosisEvent d = trace().epochs(d(1.0, 0.7, 0.55, 0.45, 0.38, 0.32, 0.27, 0.23, 0.2),
                    d(1.0, 0.7, 0.55, 0.6, 0.58, 0.62, 0.6, 0.63, 0.61), null).diagnosis();

            only(d, Kind.OVERFITTING);
        }

        @Test
        void oneNoisyUptickIsNotOverfitting() {
            assertTrue(trace().epochs(d(1.0, 0.8, 0.65, 0.55, 0.5, 0.46, 0.43),
                    d(1.0, 0.8, 0.65, 0.55, 0.58, 0.52, 0.5), null).diagnosis().healthy());
        }

        @Test
        void anUptickInTheLastEpochIsNotOverfitting() {
            assertTrue(trace().epochs(d(1.0, 0.8, 0.65, 0.55, 0.5, 0.46),
                    d(1.0, 0.8, 0.65, 0.55, 0.5, 0.53), null).diagnosis().healthy());
        }

        @Test
        void aRiseWithinNoiseIsNotOverfitting() {
            assertTrue(trace().epochs(d(1.0, 0.8, 0.65, 0.55, 0.5, 0.46),
                    d(1.0, 0.8, 0.6, 0.5, 0.503, 0.506), null).diagnosis().healthy());
        }

        @Test
        void validationRisingWhileTrainingIsFlatIsNotOverfitting() {
            DiagnosisEvent d = trace().epochs(d(1.0, 0.6, 0.5, 0.5, 0.5, 0.5),
                    d(1.0, 0.6, 0.5, 0.52, 0.55, 0.58), null).diagnosis();

            assertFalse(kinds(d).contains(Kind.OVERFITTING), d.render());
        }
    }

    @Nested
    class Underfitting {

        @Test
        void bothLossesHighAndFlatWithLowAccuracy() {
            Finding f = only(trace().epochs(d(2.0, 1.9, 1.85, 1.84, 1.83, 1.83),
                    d(2.02, 1.93, 1.88, 1.87, 1.87, 1.86), d(0.3, 0.33, 0.35, 0.35, 0.36, 0.36)).diagnosis(),
                    Kind.UNDERFITTING);

            assertEquals(Severity.WARNING, f.severity());
            assertTrue(f.evidence().contains("fell from 2 to 1.83"), f.evidence());
            assertTrue(f.evidence().contains("val_accuracy 0.36"), f.evidence());
            assertTrue(flags(f).contains("trainer lr-find"), flags(f));
        }

        @Test
        void withoutAccuracyItIsOnlyANote() {
            Finding f = only(trace().epochs(d(2.0, 1.9, 1.85, 1.84, 1.83, 1.83), null, null).diagnosis(),
                    Kind.UNDERFITTING);

            assertEquals(Severity.INFO, f.severity());
        }

        @Test
        void aLossThatIsStillFallingIsNotUnderfitting() {
            assertTrue(trace().epochs(d(2.0, 1.9, 1.8, 1.7, 1.6, 1.5),
                    d(2.0, 1.9, 1.8, 1.7, 1.6, 1.5), null).diagnosis().healthy());
        }

        @Test
        void aFlatLossAtGoodAccuracyIsNotUnderfitting() {
            assertTrue(trace().epochs(d(0.5, 0.42, 0.4, 0.4, 0.4, 0.4),
                    d(0.5, 0.42, 0.4, 0.4, 0.4, 0.4), d(0.9, 0.92, 0.93, 0.93, 0.93, 0.93)).diagnosis().healthy());
        }
    }

    @Nested
    class Divergence {

        @Test
        void aNonFiniteLossIsCriticalAndListedFirst() {
            DiagnosisEvent d = trace().epochs(d(1.0, 0.7, 0.5, 0.4, 0.32), d(1.0, 0.8, 0.62, 0.64, 0.66), null)
                    .steps(6, 0.05, 0.3, 0.5, 2.0, Double.NaN).diagnosis();

            Finding f = d.findings().getFirst();
            assertEquals(Kind.DIVERGENCE, f.kind());
            assertEquals(Severity.CRITICAL, f.severity());
            assertTrue(f.evidence().contains("step 4 (epoch 6) was not finite; the step before had 2, the lowest so far "
                    + "was 0.3; lr 0.05"), f.evidence());
            assertTrue(flags(f).contains("--lr 0.005"), flags(f));
            assertTrue(flags(f).contains("--max-grad-norm 1.0"), flags(f));
        }

        @Test
        void aGrowingTrainingLoss() {
            Finding f = only(trace().epochs(d(1.0, 0.8, 1.5, 3.0, 6.0), null, null).diagnosis(), Kind.DIVERGENCE);

            assertEquals(Severity.WARNING, f.severity());
            assertTrue(f.evidence().contains("from 1 (epoch 1; lowest 0.8 at epoch 2) up to 6 (epoch 5)"), f.evidence());
        }

        @Test
        void lossSpikes() {
            double[] losses = new double[100];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = 1.0 - 0.005 * i + 0.05 * Math.sin(i);
            }
            losses[60] = 5.0;
            losses[80] = 4.0;
            Finding f = only(trace().steps(1, 0.01, losses).diagnosis(), Kind.LOSS_SPIKES);

            assertTrue(f.evidence().startsWith("2 steps had a loss over 4x the median of the (up to) 20 steps before"),
                    f.evidence());
            assertTrue(f.evidence().contains("step 61: 5 against"), f.evidence());
            assertTrue(f.evidence().contains("step 81: 4 against"), f.evidence());
        }

        @Test
        void noisyStepsAreNotSpikes() {
            assertTrue(trace().noisySteps(3, 100, 2.0, 0.3, 0.4, 1e-3, 11).diagnosis().healthy());
        }

        @Test
        void aHardBatchNearConvergenceIsNotASpike() {
            double[] losses = new double[60];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = i < 20 ? 2.0 - 0.09 * i : 0.01;
            }
            losses[50] = 0.08; // 8x the median, but tiny against where training began
            assertFalse(kinds(trace().steps(1, 1e-3, losses).diagnosis()).contains(Kind.LOSS_SPIKES));
        }

        @Test
        void oneHardBatchIsNotASpikeButOneHugeOvershootIs() {
            double[] losses = new double[60];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = 2.0 - 0.02 * i;
            }
            losses[40] = 4.5; // 4x the recent median once, well above the floor, but no blow-up
            assertFalse(kinds(trace().steps(1, 1e-3, losses).diagnosis()).contains(Kind.LOSS_SPIKES));
            losses[40] = 40; // 20x where training began
            only(trace().steps(1, 1e-3, losses).diagnosis(), Kind.LOSS_SPIKES);
        }

        @Test
        void validationLossSwingingUpAndDown() {
            Finding f = only(trace().epochs(d(1.0, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45),
                    d(1.0, 0.6, 0.9, 0.55, 0.85, 0.5, 0.8), null).diagnosis(), Kind.OSCILLATION);

            assertTrue(f.evidence().startsWith("val_loss changed direction 5 times in 7 epochs"), f.evidence());
        }

        @Test
        void smallWigglesOnAFallingCurveAreNotOscillation() {
            assertTrue(trace().epochs(d(1.0, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45),
                    d(1.0, 0.8, 0.81, 0.7, 0.71, 0.6, 0.6), null).diagnosis().healthy());
        }

        @Test
        void aRealRunWithTooHighALearningRate() {
            DiagnosisEvent d = Diagnosis.of(RunHistory.read(Traces.resource("digits-lr-too-high.jsonl")));

            Finding f = only(d, Kind.LOSS_SPIKES);
            assertTrue(f.evidence().contains("step 2: 191.9 against 1.706"), f.evidence());
            assertTrue(d.render().contains("--lr 0.05"), d.render());
        }
    }

    @Nested
    class Stagnation {

        @Test
        void aLossThatDoesNotMoveAtATinyRate() {
            double[] flat = new double[300];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = 2.3026 - 1e-5 * i + 0.01 * Math.sin(7 * i);
            }
            Traces t = trace();
            for (int e = 0; e < 3; e++) {
                t.steps(e + 1, 1e-6, Arrays.copyOfRange(flat, 100 * e, 100 * e + 100));
            }
            Finding f = only(t.epochs(d(2.302, 2.3015, 2.3012), d(2.303, 2.3025, 2.3021), d(0.1, 0.1, 0.11))
                    .diagnosis(), Kind.STAGNATION);

            assertTrue(f.evidence().contains("train loss 2.302 -> 2.301 (-0.03%) over epochs 1-3 at lr 1.00e-06"),
                    f.evidence());
            assertEquals("--lr 1.00e-05", f.suggestions().getFirst().flags());
        }

        @Test
        void withinOneEpochStepMediansJudge() {
            double[] flat = new double[100];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = 2.3026 - 1e-5 * i + 0.01 * Math.sin(7 * i);
            }
            Finding f = only(trace().steps(1, 1e-6, flat).diagnosis(), Kind.STAGNATION);
            assertTrue(f.evidence().contains("over steps 1-100 (epochs 1-1, medians of"), f.evidence());
        }

        @Test
        void fromEpochLossesWhenNoStepsWereRecorded() {
            only(trace().epochs(d(0.9, 0.899, 0.8985, 0.898), null, null).diagnosis(), Kind.STAGNATION);
        }

        @Test
        void slowButRealProgressIsNotStagnation() {
            assertFalse(kinds(trace().epochs(d(2.3, 2.25, 2.2), null, null).diagnosis()).contains(Kind.STAGNATION));
        }

        @Test
        void aModelThatAlreadyFitsHasNothingToLearn() {
            assertTrue(trace().epochs(d(0.05, 0.0499, 0.0498), d(0.06, 0.06, 0.06), d(0.99, 0.99, 0.99))
                    .diagnosis().healthy());
        }
    }

    @Nested
    class Gradients {

        @Test
        void aLayerWithoutGradientInTheLastTwoEvents() {
            DiagnosisEvent d = healthy()
                    .layers(280, layer("fc1", 4096, 0.3, 0.1), layer("fc2", 1024, 0, 1.0), layer("head", 330, 0.5, 0))
                    .layers(320, layer("fc1", 4096, 0.3, 0.1), layer("fc2", 1024, 1e-9, 0.97), layer("head", 330, 0.5, 0))
                    .diagnosis();

            Finding f = only(d, Kind.DEAD_GRADIENTS);
            assertEquals("no gradient reaches fc2", f.title());
            assertTrue(f.evidence().contains("at step 320 (and at step 280), the share of gradient entries exactly 0: "
                    + "fc2 97%"), f.evidence());
        }

        @Test
        void oneBatchWithoutGradientIsNotADeadLayer() {
            assertTrue(healthy()
                    .layers(280, layer("fc1", 4096, 0.3, 0.1), layer("fc2", 1024, 0, 1.0), layer("head", 330, 0.5, 0))
                    .diagnosis().healthy());
        }

        @Test
        void aGradientOrdersOfMagnitudeBelowTheOtherLayers() {
            Object[][] layers = {layer("embed", 100_000, 3e-6, 0.2), layer("block.0", 10_000, 0.1, 0),
                layer("block.1", 10_000, 0.2, 0), layer("head", 1000, 0.05, 0)};
            Finding f = only(healthy().layers(300, layers).layers(340, layers).diagnosis(), Kind.VANISHING_GRADIENTS);

            assertEquals("vanishing gradients in embed", f.title());
            assertTrue(flags(f).contains("--lr-group embed=RATE"), flags(f));
        }

        @Test
        void anEmbeddingTableIsSparseNotDead() {
            // a transformer's word and position embeddings: a batch reads a few of their rows
            Object[][] layers = {Traces.lookupLayer("embeddings.word", 11_720_448, 0.07, 0.997),
                Traces.lookupLayer("embeddings.position", 196_608, 0.08, 0.97), layer("encoder.0", 590_000, 0.02, 0),
                layer("encoder.1", 590_000, 0.03, 0), layer("head", 1925, 0.5, 0)};
            assertTrue(healthy().layers(300, layers).layers(340, layers).diagnosis().healthy());
            Object[][] notLookups = {layer("embeddings.word", 11_720_448, 0.07, 0.997), layer("encoder.0", 590_000, 0.02, 0),
                layer("encoder.1", 590_000, 0.03, 0), layer("head", 1925, 0.5, 0)};
            only(healthy().layers(300, notLookups).layers(340, notLookups).diagnosis(), Kind.DEAD_GRADIENTS);
        }

        @Test
        void aBiasOnlyGroupWithAStructurallyZeroGradientIsNotVanishing() {
            // an attention key's bias cancels in the softmax: its gradient is rounding noise
            Object[][] layers = {layer("attention.key", 384, 2e-10, 0), layer("attention.query", 384, 3e-3, 0),
                layer("encoder.dense", 590_000, 0.02, 0), layer("encoder.out", 590_000, 0.03, 0), layer("head", 1925, 0.5, 0)};
            assertTrue(healthy().layers(300, layers).layers(340, layers).diagnosis().healthy());
        }

        @Test
        void aSmallBiasIsNotVanishingOnceSizeIsAccountedFor() {
            // 1e-3 against 1: under a thousandth as a norm, but per parameter 3e-4 against 1e-3
            Object[][] layers = {layer("big", 1_000_000, 1.0, 0), layer("bias", 10, 1e-3, 0),
                layer("mid", 100_000, 0.3, 0)};
            assertTrue(healthy().layers(300, layers).layers(340, layers).diagnosis().healthy());
        }
    }

    @Nested
    class ClassCollapse {

        @Test
        void aClassNeverRecognisedWhileAccuracyLooksFine() {
            Traces t = healthy().classes(4, d(0.95, 0.9, 0.0), d(0.5, 0.49, 0.01))
                    .classes(5, d(0.95, 0.9, 0.02), d(0.5, 0.49, 0.01))
                    .classes(6, d(0.96, 0.92, 0.0), d(0.5, 0.5, 0.0));
            Finding f = only(t.diagnosis(), Kind.CLASS_COLLAPSE);

            assertEquals("class 2 is almost never recognised", f.title());
            assertEquals("at epoch 6, val_recall is 0 for class 2 (class 2 for the last 3 epochs), while val_accuracy is "
                    + "0.87.", f.evidence());
            assertTrue(flags(f).contains("--class-weights auto"), flags(f));
        }

        @Test
        void predictionsDominatedByOneClass() {
            Finding f = only(healthy().classes(6, d(1.0, 0.3, 0.15), d(0.95, 0.03, 0.02)).diagnosis(),
                    Kind.CLASS_COLLAPSE);

            assertEquals("predictions are dominated by class 0", f.title());
            assertTrue(f.evidence().endsWith("class 0 takes 95% of the predictions."), f.evidence());
        }

        @Test
        void aWeakClassIsNotACollapse() {
            assertTrue(healthy().classes(6, d(0.95, 0.9, 0.4), d(0.4, 0.4, 0.2)).diagnosis().healthy());
        }

        @Test
        void aCollapseTheRunRecoveredFromIsNotReported() {
            assertTrue(healthy().classes(2, d(1.0, 0.0, 0.0), d(1.0, 0.0, 0.0)).diagnosis().healthy());
        }

        @Test
        void aClassAbsentFromTheValidationDataIsNotACollapse() {
            assertTrue(healthy().classes(6, d(0.9, 0.85, Double.NaN), d(0.5, 0.5, 0.0)).diagnosis().healthy());
        }
    }

    @Nested
    class Report {

        @Test
        void namesTheProblemTheEvidenceAndTheFlagsWithinTheWidth() {
            DiagnosisEvent d = trace().epochs(d(1.0, 0.7, 0.5, 0.4, 0.32, 0.26, 0.21),
                    d(1.05, 0.8, 0.62, 0.56, 0.58, 0.61, 0.66), null).diagnosis();

            String text = d.render(80);
            List<String> lines = text.lines().toList();
            assertTrue(lines.getFirst().startsWith("WARNING: overfitting: validation loss has risen since epoch 4"), text);
            assertTrue(lines.stream().allMatch(l -> l.length() <= 80), text);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("  try --early-stopping-patience 3  stop once")),
                    text);
            assertTrue(lines.getLast().startsWith("  4); train/val gap 0.45"), text);
            assertTrue(d.render().lines().count() <= 11, d.render());
        }

        @Test
        void mostSevereFirst() {
            DiagnosisEvent d = trace().epochs(d(1.0, 0.7, 0.5, 0.4, 0.32, 0.26, 0.21),
                    d(1.05, 0.8, 0.62, 0.56, 0.58, 0.61, 0.66), null).steps(8, 0.1, 0.2, Double.NaN).diagnosis();

            assertEquals(List.of(Kind.DIVERGENCE, Kind.OVERFITTING), kinds(d));
            assertTrue(d.render().startsWith("CRITICAL: divergence: "), d.render());
        }
    }
}
