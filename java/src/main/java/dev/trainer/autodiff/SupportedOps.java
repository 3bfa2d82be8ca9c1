package dev.trainer.autodiff;

import java.util.TreeSet;

/**
 * The op list of README's "Supported models" section, generated from the rule table: the ops
 * trainer differentiates and those it passes over because they carry no gradient. Prints it when
 * run; {@code SupportedOpsTest} fails when README's copy is out of date.
 */
public final class SupportedOps {

    private SupportedOps() {
    }

    /** The list as README shows it, between its markers. */
    public static String markdown() {
        TreeSet<String> differentiable = new TreeSet<>(GradientRules.differentiableOps());
        TreeSet<String> passedOver = new TreeSet<>(GradientRules.NON_DIFFERENTIABLE);
        return "Differentiable (" + differentiable.size() + "): " + list(differentiable) + ".\n\n"
                + "No gradient needed, passed over (" + passedOver.size() + "; shapes, indices, comparisons, random"
                + " numbers): " + list(passedOver) + ".\n";
    }

    private static String list(TreeSet<String> ops) {
        return String.join(", ", ops.stream().map(op -> "`" + op + "`").toList());
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
