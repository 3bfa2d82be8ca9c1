package dev.trainer.edit;

import dev.trainer.ModelException;
import java.util.Arrays;

/**
 * One LoRA adapter: the low-rank update {@code scale · ΔW} that training adds beside a frozen
 * weight W, trained as two small factors A and B, each laid out like W.
 * <ul>
 *   <li>W {@code [in, out]} (MatMul's {@code x·W}, Gemm without transB): A {@code [in, rank]},
 *       B {@code [rank, out]}, ΔW = A·B, the graph computes {@code x·A·B·scale};</li>
 *   <li>W {@code [out, in]} ({@code transposed}: Gemm with transB=1, PyTorch's Linear layout):
 *       A {@code [rank, in]}, B {@code [out, rank]}, ΔW = B·A, PEFT's {@code lora_A.weight} and
 *       {@code lora_B.weight}.</li>
 * </ul>
 * A starts Kaiming-uniform (a = √5, U(±1/√in), as PEFT) and B at zero, so the adapted model
 * starts out as the original.
 *
 * @param weight the adapted initializer
 * @param a      the initializer of A, named after the weight's module ({@code ...query.lora_A})
 * @param b      the initializer of B
 * @param scale  {@code alpha / rank}
 */
public record LoraAdapter(String weight, String a, String b, boolean transposed, int rank, double scale) {

    /**
     * The weight with the adapter merged in, {@code W + scale · ΔW}, each element summed in double
     * and rounded to float32 once.
     *
     * @param weightDims W's shape, as stored
     * @throws ModelException when the factors do not fit the weight and the rank
     */
    public float[] merge(float[] weightValues, long[] weightDims, float[] aValues, float[] bValues) {
        int rows = weightDims.length == 2 ? Math.toIntExact(weightDims[0]) : -1;
        int cols = weightDims.length == 2 ? Math.toIntExact(weightDims[1]) : -1;
        // ΔW = left · right, left [rows, rank] and right [rank, cols]: (A, B), or (B, A) transposed.
        float[] left = transposed ? bValues : aValues;
        float[] right = transposed ? aValues : bValues;
        if (rows < 0 || weightValues.length != (long) rows * cols || left.length != (long) rows * rank
                || right.length != (long) rank * cols) {
            throw new ModelException("the LoRA factors of " + weight + " (" + aValues.length + " and " + bValues.length
                    + " values) do not fit its shape " + Arrays.toString(weightDims) + " at rank " + rank);
        }
        float[] merged = new float[weightValues.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double delta = 0;
                for (int k = 0; k < rank; k++) {
                    delta += (double) left[i * rank + k] * right[k * cols + j];
                }
                merged[i * cols + j] = (float) (weightValues[i * cols + j] + scale * delta);
            }
        }
        return merged;
    }
}
