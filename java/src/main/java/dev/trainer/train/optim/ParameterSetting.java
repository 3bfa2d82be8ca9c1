package dev.trainer.train.optim;

/**
 * How the optimizer updates one parameter.
 *
 * @param name        the parameter
 * @param group       its layer group's index (0 at the bottom)
 * @param lrScale     its learning rate is the step's base learning rate times this, so a
 *                    schedule on the base rate scales every group alike
 * @param weightDecay the optimizer's weight decay for it (0 when excluded)
 * @param l1          L1 penalty weight, added to its gradient as {@code l1 * sign(p)}
 * @param l2          L2 penalty weight, added to its gradient as {@code l2 * p}
 */
public record ParameterSetting(String name, int group, double lrScale, double weightDecay, double l1, double l2) {
}
