package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/** Reading and making node attributes. */
public final class Attributes {

    private Attributes() {
    }

    public static AttributeProto find(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public static long getInt(NodeProto node, String name, long fallback) {
        AttributeProto a = find(node, name);
        return a == null ? fallback : a.getI();
    }

    public static float getFloat(NodeProto node, String name, float fallback) {
        AttributeProto a = find(node, name);
        return a == null ? fallback : a.getF();
    }

    public static String getString(NodeProto node, String name, String fallback) {
        AttributeProto a = find(node, name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** The ints of an attribute, or {@code null} when the node does not set it. */
    public static long[] getInts(NodeProto node, String name) {
        AttributeProto a = find(node, name);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static AttributeProto ofInt(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto ofFloat(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto ofString(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    public static AttributeProto ofInts(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static AttributeProto ofTensor(String name, TensorProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value).build();
    }
}
