package dev.trainer.autodiff;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The registry from ONNX op type to its gradient rule, and the op types that never carry a gradient
 * (their outputs are integers, booleans or shapes), which reverse mode passes over.
 */
public final class GradientRules {

    private static final Map<String, GradientRule> RULES = new HashMap<>();

    static {
        ArithmeticGradients.register(RULES);
        ActivationGradients.register(RULES);
        LinearAlgebraGradients.register(RULES);
        ShapeGradients.register(RULES);
        ConvolutionGradients.register(RULES);
        PoolingGradients.register(RULES);
        NormalizationGradients.register(RULES);
        MathGradients.register(RULES);
        ReductionGradients.register(RULES);
        IndexingGradients.register(RULES);
        PadGradients.register(RULES);
        EinsumGradients.register(RULES);
    }

    /** Ops whose outputs carry no gradient whatever their inputs: shape and integer computations. */
    static final Set<String> NON_DIFFERENTIABLE = Set.of(
            "Shape", "Size", "Constant", "ConstantOfShape", "Range", "NonZero", "ArgMax", "ArgMin",
            "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Not", "And", "Or", "Xor",
            "IsNaN", "IsInf", "Sign", "Floor", "Ceil", "Round", "EyeLike", "RandomNormal",
            "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli");

    private GradientRules() {
    }

    /** The rule for an op type, or {@code null} when trainer cannot differentiate it. */
    public static GradientRule of(String opType) {
        return RULES.get(opType);
    }

    /** Every op type with a rule. */
    public static java.util.Set<String> differentiableOps() {
        return java.util.Collections.unmodifiableSet(RULES.keySet());
    }

    public static boolean isDifferentiable(String opType) {
        return RULES.containsKey(opType);
    }

    public static boolean isNonDifferentiable(String opType) {
        return NON_DIFFERENTIABLE.contains(opType);
    }
}
