package dev.trainer.train.params;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves {@link GroupOptions} into one {@link ParameterSetting} per trainable parameter.
 *
 * <p>Learning rate: with {@code --layer-decay F} a parameter in layer group g of a model of
 * depth D gets the scale {@code F^(D - 1 - g)} (BEiT's and ELECTRA's layer-wise decay); the first
 * {@code --lr-group} spec matching it then either sets its rate outright ({@code PATTERN=X}:
 * scale {@code X / lr}, ignoring the layer decay) or multiplies the decayed scale
 * ({@code PATTERN=xF}).
 *
 * <p>Regularization: weight decay, L1 and L2 skip biases and normalization parameters unless
 * {@link GroupOptions#regularizeAll()}: a parameter is one of those when it is 1-D, when its
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
     * @param options                 the command line's settings
     * @param layers                  the layer groups, holding every name in {@code shapes}
     * @param shapes                  every parameter that trains at some epoch, with its shape
     * @param normalizationParameters the inputs of the graph's normalization nodes (scales and biases)
     * @throws IllegalArgumentException for a malformed spec or one whose pattern matches none of
     *         the parameters, as one line naming the option
     */
    public static ParameterGroups of(GroupOptions options, LayerGroups layers, Map<String, long[]> shapes,
                                     Set<String> normalizationParameters) {
        List<PatternRule> lrRules = options.lrGroups().stream()
                .map(s -> PatternRule.parse("--lr-group", s, true, true)).toList();
        Penalty l1 = Penalty.parse("--l1", options.l1());
        Penalty l2 = Penalty.parse("--l2", options.l2());
        List<PatternRule> all = new ArrayList<>(lrRules);
        all.addAll(l1.rules());
        all.addAll(l2.rules());
        for (PatternRule rule : all) {
            if (shapes.keySet().stream().noneMatch(rule.pattern()::matches)) {
                throw Names.matchesNothing(rule.option(), rule.spec(), shapes.keySet());
            }
        }
        int top = layers.depth() - 1;
        Map<String, ParameterSetting> settings = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            int group = layers.groupOf(name);
            double scale = Math.pow(options.layerDecay(), top - group);
            PatternRule lr = PatternRule.first(lrRules, name);
            if (lr != null) {
                scale = lr.multiplier() ? scale * lr.value() : lr.value() / options.learningRate();
            }
            boolean regularized = options.regularizeAll() || !(shape.length <= 1 || name.endsWith(".bias")
                    || normalizationParameters.contains(name));
            settings.put(name, new ParameterSetting(name, group, scale,
                    regularized ? options.weightDecay() : 0, regularized ? l1.of(name) : 0,
                    regularized ? l2.of(name) : 0));
        });
        return new ParameterGroups(settings);
    }

    /** A penalty option: one plain value for all, and pattern specs that override it. */
    private record Penalty(double value, List<PatternRule> rules) {

        static Penalty parse(String option, List<String> specs) {
            Double value = null;
            List<PatternRule> rules = new ArrayList<>();
            for (String spec : specs) {
                if (spec.contains("=")) {
                    rules.add(PatternRule.parse(option, spec, false, false));
                } else if (value != null) {
                    throw new IllegalArgumentException(option + " has two plain values (" + value + " and " + spec
                            + "); give one, and PATTERN=VALUE for the rest");
                } else {
                    value = PatternRule.number(option, spec, spec, false);
                }
            }
            return new Penalty(value == null ? 0 : value, rules);
        }

        double of(String name) {
            PatternRule rule = PatternRule.first(rules, name);
            return rule == null ? value : rule.value();
        }
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
