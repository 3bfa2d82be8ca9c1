package dev.trainer.monitor;

import dev.trainer.events.Finding.Suggestion;

/**
 * Every flag the diagnosis suggests, in one place, so that a renamed or newly added
 * {@code fine-tune} option is one edit here. Rates are computed from the run's own rate.
 */
final class Suggestions {

    private Suggestions() {
    }

    static Suggestion earlyStopping(int bestEpoch) {
        return new Suggestion("--early-stopping-patience 3",
                "stop once val_loss stops improving, keeping the best weights (or --epochs " + bestEpoch + ")");
    }

    static Suggestion weightDecay() {
        return new Suggestion("--weight-decay 1e-4", "penalise large weights (L2)");
    }

    static Suggestion regularize() {
        return new Suggestion("--mixup 0.2", "make the training data harder to memorise (keep Dropout on: no --no-dropout; --augment smote for tables)");
    }

    static Suggestion freezeBottom() {
        return new Suggestion("--freeze-bottom N", "train fewer layers; keep the pretrained bottom N as they are");
    }

    static Suggestion lrFind() {
        return new Suggestion("trainer lr-find", "find the largest learning rate that still lowers the loss");
    }

    static Suggestion higherLr(double lr, double factor) {
        return new Suggestion("--lr " + rate(lr, factor), Curves.num(factor) + "x the learning rate");
    }

    static Suggestion lowerLr(double lr) {
        return new Suggestion("--lr " + rate(lr, 0.1), "a tenth of the learning rate");
    }

    static Suggestion moreEpochs(int epochs) {
        return new Suggestion("--epochs " + 2 * epochs, "train longer, if the loss was still creeping down");
    }

    static Suggestion unfreeze() {
        return new Suggestion("fewer --freeze/--freeze-bottom layers", "let more of the network adapt");
    }

    static Suggestion biggerHead() {
        return new Suggestion("", "a bigger head (a hidden layer before the classifier) gives more capacity");
    }

    static Suggestion warmup() {
        return new Suggestion("--warmup-steps 100", "ramp the learning rate up over the first steps");
    }

    static Suggestion normalize() {
        return new Suggestion("--normalize standard", "scale tabular features that differ by orders of magnitude");
    }

    static Suggestion clipGradients() {
        return new Suggestion("--max-grad-norm 1.0", "cap the size of any one step");
    }

    static Suggestion lrGroup(String layers) {
        return new Suggestion("--lr-group " + layers + "=RATE", "a learning rate of their own for those layers");
    }

    static Suggestion checkActivations(String what) {
        return new Suggestion("", "check the activations: " + what);
    }

    static Suggestion classWeights() {
        return new Suggestion("--class-weights auto", "weight the loss by inverse class frequency");
    }

    static Suggestion balancedSampler() {
        return new Suggestion("--sampler balanced", "draw every class equally often in the batches");
    }

    static Suggestion smote() {
        return new Suggestion("--augment smote", "synthesise more samples of the rare classes");
    }

    /** The rate times a factor, or a placeholder when the run recorded no rate. */
    private static String rate(double lr, double factor) {
        return Double.isFinite(lr) && lr > 0 ? Curves.num(lr * factor) : "<current x " + Curves.num(factor) + ">";
    }
}
