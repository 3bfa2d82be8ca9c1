package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A text model's table of position embeddings, which bounds the sequences it can read: position
 * {@code p} looks up row {@code p}, and ONNX Runtime fails mid-run on the first batch longer than
 * the table. Found in the graph as the {@code Gather} over a float matrix whose indices count
 * positions: computed from an input's shape only (never its values), through a {@code Range}
 * (PyTorch's exporters) or a slice of a stored {@code 0, 1, 2, ...} buffer (HuggingFace's
 * {@code position_ids}).
 *
 * @param name   the table's initializer
 * @param limit  the longest sequence it allows: its rows, less where a stored buffer starts above
 *               0 or is shorter
 */
public record PositionTable(String name, long limit) {

    /** The model's position table, if it has one. */
    public static Optional<PositionTable> of(OnnxModel model) {
        ModelGraph graph = model.graph();
        for (NodeProto node : graph.nodes()) {
            if (!node.getOpType().equals("Gather") || node.getInputCount() < 2 || axis(node) != 0) {
                continue;
            }
            TensorProto table = graph.initializer(node.getInput(0));
            if (table == null || table.getDimsCount() != 2 || !TensorTypes.isFloatingPoint(table.getDataType())) {
                continue;
            }
            long limit = positionsLimit(model, node.getInput(1), table.getDims(0));
            if (limit > 0) {
                return Optional.of(new PositionTable(table.getName(), limit));
            }
        }
        return Optional.empty();
    }

    /**
     * @throws ModelException when text cut at {@code maxLength} tokens could be longer than the table allows
     */
    public static void requireFits(OnnxModel model, int maxLength) {
        of(model).ifPresent(table -> {
            if (maxLength > table.limit()) {
                throw new ModelException("--max-length " + maxLength + " is longer than the model's " + table.limit()
                        + " positions (the rows of its position table '" + table.name() + "'); give --max-length "
                        + table.limit() + " or less");
            }
        });
    }

    private static long axis(NodeProto gather) {
        for (AttributeProto a : gather.getAttributeList()) {
            if (a.getName().equals("axis")) {
                return a.getI();
            }
        }
        return 0;
    }

    /**
     * The longest sequence a lookup with these indices allows in a table of {@code rows}, or 0
     * when the indices are not positions (they read an input's values, or do not count).
     */
    private static long positionsLimit(OnnxModel model, String indices, long rows) {
        ModelGraph graph = model.graph();
        Deque<String> pending = new ArrayDeque<>(java.util.List.of(indices));
        Set<String> seen = new HashSet<>();
        long limit = 0;
        while (!pending.isEmpty()) {
            String value = pending.pop();
            if (!seen.add(value) || value.isEmpty()) {
                continue;
            }
            NodeProto producer = graph.producer(value);
            TensorProto constant = graph.initializer(value);
            if (constant != null) {
                long counted = countingBufferLimit(model, constant, rows);
                limit = counted > 0 ? counted : limit;
            } else if (producer == null) {
                return 0;
            } else if (producer.getOpType().equals("Range")) {
                limit = limit > 0 ? limit : rows;
            } else if (!producer.getOpType().equals("Shape")) {
                pending.addAll(producer.getInputList());
            }
        }
        return limit;
    }

    /**
     * For an integer buffer counting up by one from {@code first} (HuggingFace's {@code position_ids}),
     * the positions it gives rows for; 0 for any other constant.
     */
    private static long countingBufferLimit(OnnxModel model, TensorProto constant, long rows) {
        if (constant.getDataType() != TensorProto.DataType.INT64_VALUE
                || constant.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return 0;
        }
        ByteBuffer bytes = model.initializerBytes(constant);
        int count = bytes.remaining() / Long.BYTES;
        if (count < 2) {
            return 0;
        }
        long first = bytes.getLong(bytes.position());
        for (int i = 1; i < count; i++) {
            if (bytes.getLong(bytes.position() + i * Long.BYTES) != first + i) {
                return 0;
            }
        }
        return Math.max(0, Math.min(count, rows - first));
    }
}
