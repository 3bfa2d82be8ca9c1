package dev.trainer.kernels;

import static dev.trainer.kernels.Segments.floats;
import static dev.trainer.kernels.Segments.ints;
import static dev.trainer.kernels.Segments.toFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad calls must throw {@link IllegalArgumentException} before any memory is touched: each case
 * checks the message and that the buffer the kernel would write still holds its sentinel.
 */
class KernelArgumentsTest {

    private static final float SENTINEL = 42f;

    static Stream<Kernels> implementations() {
        return Stream.of(Kernels.defaultKernels(), new JavaKernels());
    }

    /** Runs {@code call} with a 4-float output full of sentinels and expects a refusal naming {@code word}. */
    private static void assertRefused(String word, Consumer<MemorySegment> call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment output = floats(arena, SENTINEL, SENTINEL, SENTINEL, SENTINEL);
            var thrown = assertThrows(IllegalArgumentException.class, () -> call.accept(output));
            assertTrue(thrown.getMessage().contains(word), thrown.getMessage());
            assertArrayEquals(new float[] {SENTINEL, SENTINEL, SENTINEL, SENTINEL}, toFloats(output));
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void tooShortSegmentsAreRefused(Kernels kernels) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment three = floats(arena, 1, 2, 3);
            MemorySegment four = floats(arena, 1, 2, 3, 4);
            assertRefused("logits", out -> kernels.softmaxCrossEntropy(three, ints(arena, 0, 1), 2, 2,
                    MemorySegment.NULL, MemorySegment.NULL, 0f, -100, out));
            assertRefused("labels", out -> kernels.softmaxCrossEntropy(four, ints(arena, 0), 2, 2,
                    MemorySegment.NULL, MemorySegment.NULL, 0f, -100, out));
            assertRefused("classWeights", out -> kernels.softmaxCrossEntropy(four, ints(arena, 0, 1), 2, 2,
                    floats(arena, 1), MemorySegment.NULL, 0f, -100, out));
            assertRefused("sampleWeights", out -> kernels.softmaxCrossEntropy(four, ints(arena, 0, 1), 2, 2,
                    MemorySegment.NULL, floats(arena, 1), 0f, -100, out));
            assertRefused("dLogits", out -> kernels.softmaxCrossEntropy(four, ints(arena, 0, 1), 2, 2,
                    MemorySegment.NULL, MemorySegment.NULL, 0f, -100, out.asSlice(0, 12)));
            assertRefused("targets", out -> kernels.meanSquaredError(four, three, 4, out));
            assertRefused("params", out -> kernels.l1Penalty(three, out, 4, 0.1f));
            assertRefused("params", out -> kernels.l2Penalty(three, out, 4, 0.1f));
            assertRefused("values", out -> kernels.scale(out, 5, 2f));
            assertRefused("x", out -> kernels.axpby(three, out, 4, 1f, 1f));
            assertRefused("y", out -> kernels.axpby(four, out.asSlice(0, 12), 4, 1f, 1f));
            assertRefused("velocity", out -> kernels.sgd(out, four, three, 4, 0.1f, 0.9f, false, 0f));
            assertRefused("v", out -> kernels.adam(out, four, floats(arena, 0, 0, 0, 0), three, 4,
                    0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 1));
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void badSizesAndHyperparametersAreRefused(Kernels kernels) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment four = floats(arena, 1, 2, 3, 4);
            assertRefused("negative", out -> kernels.scale(out, -1, 2f));
            assertRefused("too large", out -> kernels.softmaxCrossEntropy(four, ints(arena, 0), Long.MAX_VALUE / 2, 4,
                    MemorySegment.NULL, MemorySegment.NULL, 0f, -100, out));
            assertRefused("label 2 of row 1", out -> kernels.softmaxCrossEntropy(four, ints(arena, 0, 2), 2, 2,
                    MemorySegment.NULL, MemorySegment.NULL, 0f, -100, out));
            assertRefused("label -1 of row 0", out -> kernels.softmaxCrossEntropy(four, ints(arena, -1, 0), 2, 2,
                    MemorySegment.NULL, MemorySegment.NULL, 0f, -100, out));
            assertRefused("labelSmoothing", out -> kernels.softmaxCrossEntropy(four, ints(arena, 0, 1), 2, 2,
                    MemorySegment.NULL, MemorySegment.NULL, 1.5f, -100, out));
            assertRefused("velocity is NULL", out -> kernels.sgd(out, four, MemorySegment.NULL, 4,
                    0.1f, 0.9f, false, 0f));
            assertRefused("Nesterov", out -> kernels.sgd(out, four, MemorySegment.NULL, 4, 0.1f, 0f, true, 0f));
            assertRefused("step", out -> kernels.adam(out, four, floats(arena, 0, 0, 0, 0), floats(arena, 0, 0, 0, 0),
                    4, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void unsafeMemoryIsRefused(Kernels kernels) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment four = floats(arena, 1, 2, 3, 4);
            assertRefused("overlaps", out -> kernels.l2Penalty(out.asSlice(4), out, 3, 0.1f));
            assertRefused("overlaps", out -> kernels.axpby(out.asSlice(4), out, 3, 1f, 1f));
            assertRefused("overlaps", out -> kernels.adam(out, four, out.asSlice(4), floats(arena, 0, 0),
                    2, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 1));
            assertRefused("read-only", out -> kernels.meanSquaredError(four, four, 4, four.asReadOnly()));
            assertRefused("aligned", out -> kernels.sumOfSquares(arena.allocate(20).asSlice(1), 4));
        }
    }

    @Test
    void nativeKernelsRefuseHeapSegments() {
        Kernels kernels = Kernels.defaultKernels();
        MemorySegment heap = MemorySegment.ofArray(new float[] {1, 2, 3, 4});
        assertRefused("heap", out -> kernels.l2Penalty(heap, out, 4, 0.1f));
        assertRefused("heap", out -> kernels.scale(MemorySegment.ofArray(new float[4]), 4, 0.5f));
    }

    @Test
    void javaKernelsAcceptHeapSegments() {
        float[] values = {3, -4};
        new JavaKernels().scale(MemorySegment.ofArray(values), 2, 2f);
        assertArrayEquals(new float[] {6, -8}, values);
        assertEquals(100.0, new JavaKernels().sumOfSquares(MemorySegment.ofArray(values), 2));
    }
}
