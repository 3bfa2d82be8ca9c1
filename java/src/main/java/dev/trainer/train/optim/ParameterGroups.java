package dev.trainer.train.optim;

import dev.trainer.config.LrGroup;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.ParameterPattern;
import dev.trainer.config.Penalty;
import dev.trainer.config.RegularizationConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Resolves the optimizer's and the penalties' per-parameter options into one {@link ParameterSetting}
 * per trainable parameter.
 *
 * <p>Learning rate: with {@code --layer-decay F} a parameter in layer group g of a model of
 * depth D gets the scale {@code F^(D - 1 - g)} (BEiT's and ELECTRA's layer-wise decay); the first
 * {@code --lr-group} spec matching it then either sets its rate outright ({@code PATTERN=X}:
 * scale {@code X / lr}, ignoring the layer decay) or multiplies the decayed scale
 * ({@code PATTERN=xF}).
 *
 * <p>Regularization: weight decay, L1 and L2 skip biases and normalization parameters unless
 * {@link RegularizationConfig#regularizeAll()}: a parameter is one of those when it is 1-D, when its
 * name ends in {@code .bias}, or when the caller lists it as a BatchNormalization or
 * LayerNormalization input. The exclusion applies to pattern specs too: to regularize a bias,
 * ask for all. Immutable.
 */
public final class ParameterGroups {

    private final Map<String, ParameterSetting> settings;

    private ParameterGroups(Map<String, ParameterSetting> settings) {
        this.settings = settings;
    }

    /**
     * Resolves the settings.
     *
     * @param optimizer               the base learning rate, {@code --lr-group}, {@code --layer-decay}, weight decay
     * @param regularization          the L1 and L2 penalties and whether biases and norms get them
     * @param layers                  the layer groups, holding every name in {@code shapes}
     * @param shapes                  every parameter that trains at some epoch, with its shape
     * @param normalizationParameters the inputs of the graph's normalization nodes (scales and biases)
     * @throws IllegalArgumentException for a pattern that matches none of the parameters, as one
     *         line naming the option
     */
    public static ParameterGroups of(OptimizerConfig optimizer, RegularizationConfig regularization, LayerGroups layers,
                                     Map<String, long[]> shapes, Set<String> normalizationParameters) {
        requireMatches("--lr-group", optimizer.lrGroups(), LrGroup::pattern, shapes.keySet());
        requireMatches("--l1", regularization.l1(), Penalty::pattern, shapes.keySet());
        requireMatches("--l2", regularization.l2(), Penalty::pattern, shapes.keySet());
        int top = layers.depth() - 1;
        Map<String, ParameterSetting> settings = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            int group = layers.groupOf(name);
            double scale = Math.pow(optimizer.layerDecay(), top - group);
            LrGroup lr = first(optimizer.lrGroups(), LrGroup::pattern, name);
            if (lr != null) {
                scale = lr.multiplier() ? scale * lr.value() : lr.value() / optimizer.learningRate();
            }
            boolean regularized = regularization.regularizeAll() || !(shape.length <= 1 || name.endsWith(".bias")
                    || normalizationParameters.contains(name));
            settings.put(name, new ParameterSetting(name, group, scale,
                    regularized ? optimizer.weightDecay() : 0, regularized ? penalty(regularization.l1(), name) : 0,
                    regularized ? penalty(regularization.l2(), name) : 0));
        });
        return new ParameterGroups(settings);
    }

    /** Every pattern of an option must match some parameter, or the user mistyped it. */
    private static <T> void requireMatches(String option, List<T> values, Function<T, ParameterPattern> pattern,
                                           Collection<String> names) {
        for (T value : values) {
            ParameterPattern p = pattern.apply(value);
            if (p != null && names.stream().noneMatch(p::matches)) {
                throw Names.matchesNothing(option, p.text(), names);
            }
        }
    }

    /** The first value whose pattern matches the name, or null. */
    private static <T> T first(List<T> values, Function<T, ParameterPattern> pattern, String name) {
        for (T value : values) {
            ParameterPattern p = pattern.apply(value);
            if (p != null && p.matches(name)) {
                return value;
            }
        }
        return null;
    }

    /** A penalty's weight for the name: the first matching pattern's, else the plain value, else 0. */
    private static double penalty(List<Penalty> penalties, String name) {
        Penalty matched = first(penalties, Penalty::pattern, name);
        if (matched != null) {
            return matched.value();
        }
        return penalties.stream().filter(Penalty::plain).mapToDouble(Penalty::value).findFirst().orElse(0);
    }

    /**
     * The setting of one parameter.
     *
     * @throws IllegalArgumentException for a parameter that was not resolved
     */
    public ParameterSetting setting(String name) {
        ParameterSetting s = settings.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no optimizer setting for parameter " + name);
        }
        return s;
    }

    /** The settings of the named parameters, by name, in the given order. */
    public Map<String, ParameterSetting> settings(Collection<String> names) {
        Map<String, ParameterSetting> out = new LinkedHashMap<>();
        names.forEach(n -> out.put(n, setting(n)));
        return out;
    }

    /** Every resolved setting, by name, in the order of the shapes given. */
    public Map<String, ParameterSetting> settings() {
        return Collections.unmodifiableMap(settings);
    }
}
