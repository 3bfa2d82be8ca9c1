package dev.trainer.autodiff;

import java.util.Arrays;
import java.util.List;

/**
 * A depthwise Conv (one input and one output channel per group) on small images as one small
 * dense matrix per channel: y[n, c] = M_c · x[n, c] over the image's flattened positions, with
 * M_c [out positions, in positions] holding w[c, k] where input position i is tap k of output
 * window o. M = W · Sᵀ for a constant one-hot S [(o, i), k] (stride, pads and dilations live in S),
 * so dx = M_cᵀ · dy and dW = (dy · xᵀ summed over the batch) · S, all batched matrix products over
 * the channels. ORT runs a depthwise Conv, and its ConvTranspose, as one tiny product per image
 * and channel: MobileNetV3-small's 576-channel 5×5 Conv at 2×2, batch 32, takes 18 ms (18 432
 * products), its ConvTranspose 20 ms; elementwise over the 25 windows it is no better (ORT's
 * broadcasting Mul and Slice over rows of two values).
 */
final class DepthwiseConvolution {

    private final ConvolutionGeometry geometry;
    private final long channels;
    private final long inPositions;
    private final long outPositions;

    DepthwiseConvolution(ConvolutionGeometry geometry, long channels) {
        this.geometry = geometry;
        this.channels = channels;
        this.inPositions = Arrays.stream(geometry.inputSize()).reduce(1, Math::multiplyExact);
        this.outPositions = Arrays.stream(geometry.outputSize()).reduce(1, Math::multiplyExact);
    }

    Value forward(Value x, Value w, Value bias) {
        Value y = matrices(w).matmul(byChannel(x, inPositions).transpose(1, 2, 0)).transpose(2, 0, 1)
                .reshape(ConvolutionGradients.concat(new long[] {0, channels}, geometry.outputSize()));
        if (bias == null) {
            return y;
        }
        long[] perChannel = new long[2 + geometry.kernel().length];
        Arrays.fill(perChannel, 1);
        perChannel[1] = channels;
        return y.add(bias.reshape(perChannel));
    }

    Value inputGradient(Value dy, Value w) {
        return matrices(w).transpose(0, 2, 1).matmul(byChannel(dy, outPositions).transpose(1, 2, 0)).transpose(2, 0, 1)
                .reshape(ConvolutionGradients.concat(new long[] {0, channels}, geometry.inputSize()));
    }

    Value weightGradient(Value x, Value dy, long[] wDims) {
        Value perPair = byChannel(dy, outPositions).transpose(1, 2, 0).matmul(byChannel(x, inPositions).transpose(1, 0, 2));
        return x.b().op("Gemm", List.of(perPair.reshape(channels, -1), taps(x))).reshape(wDims);
    }

    /** M [C, out positions, in positions] from the weights [C, 1, K...]. */
    private Value matrices(Value w) {
        return w.b().op("Gemm", List.of(w.reshape(channels, -1), taps(w)), dev.trainer.onnx.Attributes.ofInt("transB", 1))
                .reshape(channels, outPositions, inPositions);
    }

    /** [N, C, positions] */
    private Value byChannel(Value image, long positions) {
        return image.reshape(0, channels, positions);
    }

    /** The constant S [(out position, in position), tap]: 1 where the input position is that tap of the output's window. */
    private Value taps(Value like) {
        long[] kernel = geometry.kernel();
        int spatial = kernel.length;
        long taps = Arrays.stream(kernel).reduce(1, Math::multiplyExact);
        double[] s = new double[Math.toIntExact(outPositions * inPositions * taps)];
        for (long o = 0; o < outPositions; o++) {
            for (long k = 0; k < taps; k++) {
                long in = 0;
                long oRest = o;
                long kRest = k;
                boolean inside = true;
                for (int d = spatial - 1, stride = 1; d >= 0; d--) {
                    long coordinate = (oRest % geometry.outputSize()[d]) * geometry.strides()[d]
                            + (kRest % kernel[d]) * geometry.dilations()[d] - geometry.pads()[d];
                    inside &= coordinate >= 0 && coordinate < geometry.inputSize()[d];
                    in += coordinate * stride;
                    stride *= (int) geometry.inputSize()[d];
                    oRest /= geometry.outputSize()[d];
                    kRest /= kernel[d];
                }
                if (inside) {
                    s[Math.toIntExact((o * inPositions + in) * taps + k)] = 1;
                }
            }
        }
        return like.b().constant(like.elementType(), new long[] {outPositions * inPositions, taps}, s);
    }
}
