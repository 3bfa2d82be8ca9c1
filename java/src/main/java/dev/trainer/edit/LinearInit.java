package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * PyTorch's default {@code nn.Linear} initialisation: kaiming-uniform with a = sqrt(5) for the
 * weight, which works out to U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
 * Same distribution as PyTorch, not the same numbers: the draws come from a seeded
 * {@link SplittableRandom}, so one seed always gives one head.
 */
final class LinearInit {

    private final SplittableRandom random;
    private final double bound;

    /** Draws for a layer with {@code fanIn} inputs (the hidden size). */
    LinearInit(long fanIn, long seed) {
        this.random = new SplittableRandom(seed);
        this.bound = 1 / Math.sqrt(fanIn);
    }

    /** A float32 initializer of the given shape, filled with fresh draws. */
    TensorProto tensor(String name, long[] dims) {
        int count = Math.toIntExact(TensorTypes.elementCount(dims));
        ByteBuffer bytes = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            bytes.putFloat(i * Float.BYTES, (float) random.nextDouble(-bound, bound));
        }
        return TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE, dims, bytes);
    }
}
