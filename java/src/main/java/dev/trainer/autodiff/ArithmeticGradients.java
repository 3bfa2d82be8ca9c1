package dev.trainer.autodiff;

import java.util.Map;

/** Elementwise arithmetic with ONNX broadcasting: the gradient is reduced back to each input's shape. */
final class ArithmeticGradients {

    private ArithmeticGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("Add", g -> {
            g.dx(0, () -> g.sumToInput(g.dy(), 0));
            g.dx(1, () -> g.sumToInput(g.dy(), 1));
        });
        rules.put("Sub", g -> {
            g.dx(0, () -> g.sumToInput(g.dy(), 0));
            g.dx(1, () -> g.sumToInput(g.dy().neg(), 1));
        });
        rules.put("Mul", g -> {
            g.dx(0, () -> g.sumToInput(g.dy().mul(g.x(1)), 0));
            g.dx(1, () -> g.sumToInput(g.dy().mul(g.x(0)), 1));
        });
        // y = a / b: da = dy / b, db = -dy * y / b
        rules.put("Div", g -> {
            g.dx(0, () -> g.sumToInput(g.dy().div(g.x(1)), 0));
            g.dx(1, () -> g.sumToInput(g.dy().mul(g.y(0)).div(g.x(1)).neg(), 1));
        });
        rules.put("Neg", g -> g.dx(0, () -> g.dy().neg()));
        rules.put("Sum", g -> {
            for (int i = 0; i < g.inputCount(); i++) {
                int input = i;
                g.dx(input, () -> g.sumToInput(g.dy(), input));
            }
        });
    }
}
