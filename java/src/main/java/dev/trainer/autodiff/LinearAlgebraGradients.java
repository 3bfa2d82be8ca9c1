package dev.trainer.autodiff;

import dev.trainer.onnx.Attributes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Gemm and MatMul, including MatMul's batch broadcasting and its 1-D operands. */
final class LinearAlgebraGradients {

    private LinearAlgebraGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        // y = alpha * A' B' + beta * C with A' = transA ? A^T : A, B' likewise:
        // dA' = alpha dy B'^T, dB' = alpha A'^T dy, each transposed back when its operand was.
        rules.put("Gemm", g -> {
            float alpha = g.attr("alpha", 1f);
            long transA = g.attr("transA", 0L);
            long transB = g.attr("transB", 0L);
            g.dx(0, () -> transA == 0
                    ? gemm(g.dy(), g.x(1), alpha, 0, 1 - transB)
                    : gemm(g.x(1), g.dy(), alpha, transB, 1));
            g.dx(1, () -> transB == 0
                    ? gemm(g.x(0), g.dy(), alpha, 1 - transA, 0)
                    : gemm(g.dy(), g.x(0), alpha, 1, transA));
            g.dx(2, () -> g.sumToInput(g.dy(), 2).mul(g.attr("beta", 1f)));
        });
        rules.put("MatMul", LinearAlgebraGradients::matmul);
    }

    private static Value gemm(Value a, Value b, float alpha, long transA, long transB) {
        return a.b().op("Gemm", List.of(a, b), Attributes.ofFloat("alpha", alpha),
                Attributes.ofInt("transA", transA), Attributes.ofInt("transB", transB));
    }

    /**
     * y = a @ b over the last two axes, batch axes broadcast. A 1-D a is a row [1, k] and a 1-D b a
     * column [k, 1] whose unit axis y drops; the gradient restores those axes first:
     * da = dy @ b^T and db = a^T @ dy, each summed back over the batch axes it was broadcast along.
     */
    private static void matmul(NodeGradient g) {
        long[] aDims = g.xType(0).dims();
        long[] bDims = g.xType(1).dims();
        long[] yDims = g.yType(0).dims();
        Value dy = g.dy();
        long[] dyDims = yDims;
        if (bDims.length == 1) {
            dy = dy.unsqueeze(-1);
            dyDims = append(dyDims, 1);
        }
        if (aDims.length == 1) {
            dy = dy.unsqueeze(-2);
            dyDims = insertBeforeLast(dyDims, 1);
        }
        Value a = aDims.length == 1 ? g.x(0).unsqueeze(0) : g.x(0);
        Value b = bDims.length == 1 ? g.x(1).unsqueeze(-1) : g.x(1);
        long[] a2 = aDims.length == 1 ? new long[] {1, aDims[0]} : aDims;
        long[] b2 = bDims.length == 1 ? new long[] {bDims[0], 1} : bDims;
        long[] batch = Arrays.copyOf(dyDims, dyDims.length - 2);
        Value gradY = dy;
        g.dx(0, () -> {
            Value da = NodeGradient.unbroadcast(gradY.matmul(swapLast(b, b2.length)),
                    concat(batch, a2[a2.length - 2], a2[a2.length - 1]), a2);
            return aDims.length == 1 ? da.squeeze(0) : da;
        });
        g.dx(1, () -> {
            if (bDims.length == 2 && a2.length > 2 && a2[a2.length - 1] >= 0 && bDims[1] >= 0) {
                return sharedWeightGradient(a, gradY, a2[a2.length - 1], bDims[1]);
            }
            Value db = NodeGradient.unbroadcast(swapLast(a, a2.length).matmul(gradY),
                    concat(batch, b2[b2.length - 2], b2[b2.length - 1]), b2);
            return bDims.length == 1 ? db.squeeze(-1) : db;
        });
    }

    /**
     * A 2-D weight shared by every row of a batched input (a linear layer over [batch, seq, k]):
     * its gradient is one [k, n] product of the rows flattened, {@code a^T dy} over batch × seq,
     * rather than a [batch, k, n] product per batch entry summed afterwards.
     */
    private static Value sharedWeightGradient(Value a, Value dy, long k, long n) {
        return gemm(a.reshape(-1, k), dy.reshape(-1, n), 1f, 1, 0);
    }

    private static Value swapLast(Value v, int rank) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return v.transpose(perm);
    }

    private static long[] append(long[] dims, long d) {
        long[] out = Arrays.copyOf(dims, dims.length + 1);
        out[dims.length] = d;
        return out;
    }

    private static long[] insertBeforeLast(long[] dims, long d) {
        long[] out = new long[dims.length + 1];
        System.arraycopy(dims, 0, out, 0, dims.length - 1);
        out[dims.length - 1] = d;
        out[dims.length] = dims[dims.length - 1];
        return out;
    }

    private static long[] concat(long[] batch, long rows, long cols) {
        long[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = rows;
        out[batch.length + 1] = cols;
        return out;
    }
}
