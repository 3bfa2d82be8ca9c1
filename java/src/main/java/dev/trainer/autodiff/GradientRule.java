package dev.trainer.autodiff;

/** The backward of one op type: given a node's output gradients, contributes its input gradients. */
@FunctionalInterface
public interface GradientRule {
    void backward(NodeGradient g);
}
