package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** Terse node construction for gradient-rule tests. */
final class Nodes {

    private Nodes() {
    }

    static NodeProto node(String op, String[] inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_" + output).addOutput(output);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        return b.build();
    }

    static String[] in(String... names) {
        return names;
    }

    static long[] s(long... dims) {
        return dims;
    }

    /** n values spread over [low, high], in a seeded order. */
    static double[] spread(int n, double low, double high, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + (high - low) * r.nextDouble();
        }
        return v;
    }
}
