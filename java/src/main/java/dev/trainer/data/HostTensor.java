package dev.trainer.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tensor's worth of bytes in native memory, ready for the runtime to wrap without copying.
 *
 * @param shape full shape, batch first
 * @param data  a direct buffer in native byte order, position 0, limit the tensor's bytes;
 *              owned by whoever made it (see {@link BatchAssembler})
 */
public record HostTensor(ElementType type, long[] shape, ByteBuffer data) {

    public HostTensor {
        shape = shape.clone();
        if (!data.isDirect() || data.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("tensor data must be a direct buffer in native order");
        }
        if (Shapes.elementCount(shape) * type.bytes() != data.remaining()) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " of " + type + " does not fit "
                    + data.remaining() + " bytes");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
