package dev.trainer.autodiff;

import java.util.List;
import java.util.Map;

/** Pointwise math (powers, exponentials, erf), elementwise selection (Where, Max, Min) and Cast. */
final class MathGradients {

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private MathGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        // y = a^b: da = dy * b * a^(b - 1), db = dy * y * ln(a) (real only where a > 0)
        // y = x^e: dx = dy e x^(e-1), and for the squares of exported LayerNorms (e = 2) just dy 2 x,
        // sparing a general pow over an activation-sized tensor
        rules.put("Pow", g -> {
            Value exponent = g.x(1).cast(g.x(0).elementType());
            Double constant = g.constantScalar(1);
            g.dx(0, () -> constant != null && constant == 2.0
                    ? g.sumToInput(g.dy().mul(g.x(0)).mul(2.0), 0)
                    : g.sumToInput(g.dy().mul(exponent).mul(g.x(0).pow(exponent.add(-1))), 0));
            g.dx(1, () -> g.sumToInput(g.dy().mul(g.y(0)).mul(g.x(0).log()), 1));
        });
        // dx = dy / (2 y)
        rules.put("Sqrt", g -> g.dx(0, () -> g.dy().div(g.y(0)).mul(0.5)));
        rules.put("Exp", g -> g.dx(0, () -> g.dy().mul(g.y(0))));
        rules.put("Log", g -> g.dx(0, () -> g.dy().div(g.x(0))));
        // dx = dy * 2 / sqrt(pi) * exp(-x^2)
        rules.put("Erf", g -> g.dx(0, () -> {
            Value x = g.x(0);
            return g.dy().mul(x.mul(x).neg().exp()).mul(TWO_OVER_SQRT_PI);
        }));
        // y = cond ? a : b, broadcast: each value input gets dy where it was picked
        rules.put("Where", g -> {
            Value zero = g.dy().scalar(0);
            g.dx(1, () -> g.sumToInput(g.x(0).where(g.dy(), zero), 1));
            g.dx(2, () -> g.sumToInput(g.x(0).where(zero, g.dy()), 2));
        });
        // Between floating-point types the gradient casts back; integer outputs carry none.
        rules.put("Cast", g -> g.dx(0, () -> g.dy().cast(g.x(0).elementType())));
        // y = x - q d with q = trunc(x / d) (fmod) or floor(x / d): dx = dy, dd = -dy q, and q = (x - y) / d
        // exactly (rounded to the integer it is), whichever the rounding
        rules.put("Mod", g -> {
            g.dx(0, () -> g.sumToInput(g.dy(), 0));
            g.dx(1, () -> g.sumToInput(g.dy().mul(g.x(0).sub(g.y(0)).div(g.x(1)).round()).neg(), 1));
        });
        // dx = dy sign(x) (0 at 0, as PyTorch)
        rules.put("Abs", g -> g.dx(0, () -> g.dy().mul(g.builder().op("Sign", List.of(g.x(0))))));
        // y = 1 / x: dx = -dy y^2
        rules.put("Reciprocal", g -> g.dx(0, () -> g.dy().mul(g.y(0)).mul(g.y(0)).neg()));
        rules.put("Sin", g -> g.dx(0, () -> g.dy().mul(g.x(0).cos())));
        rules.put("Cos", g -> g.dx(0, () -> g.dy().mul(g.x(0).sin()).neg()));
        rules.put("Max", MathGradients::extremum);
        rules.put("Min", MathGradients::extremum);
    }

    /**
     * y = max (or min) of the inputs, broadcast: dy goes to the inputs equal to y. Ties split it
     * evenly, as PyTorch's {@code maximum} and {@code minimum} do: dx_i = dy * [x_i = y] / #ties.
     */
    private static void extremum(NodeGradient g) {
        Value y = g.y(0);
        Value zero = y.scalar(0);
        Value one = y.scalar(1);
        Value ties = null;
        for (int i = 0; i < g.inputCount(); i++) {
            Value hit = g.x(i).equal(y).where(one, zero);
            ties = ties == null ? hit : ties.add(hit);
        }
        Value share = g.dy().div(ties);
        for (int i = 0; i < g.inputCount(); i++) {
            int input = i;
            g.dx(input, () -> g.sumToInput(g.x(input).equal(y).where(share, zero), input));
        }
    }
}
