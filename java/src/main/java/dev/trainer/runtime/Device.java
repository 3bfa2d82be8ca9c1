package dev.trainer.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.trainer.cuda.CudaPrerequisites;
import dev.trainer.cuda.CudaUnavailableException;

/**
 * Where training runs: the CPU, or CUDA device {@code index}.
 *
 * @param index the CUDA device, or -1 for the CPU
 */
public record Device(int index) {

    public static final Device CPU = new Device(-1);

    /**
     * Parses {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Device parse(String text) {
        if (text.equals("cpu")) {
            return CPU;
        }
        if (text.equals("cuda")) {
            return new Device(0);
        }
        if (text.startsWith("cuda:") && text.length() > 5 && text.substring(5).chars().allMatch(Character::isDigit)
                && text.length() <= 12) {
            return new Device(Integer.parseInt(text.substring(5)));
        }
        throw new IllegalArgumentException("--device must be cpu, cuda or cuda:N, got " + text);
    }

    public boolean isCuda() {
        return index >= 0;
    }

    /**
     * Checks that this machine can train on the device: for CUDA, the runtime, driver, GPU, cuBLAS
     * and cuDNN ({@link CudaPrerequisites}), then an ONNX Runtime with the CUDA provider.
     *
     * @return the device's name
     * @throws CudaUnavailableException naming what to install
     */
    public String requireAvailable() {
        if (!isCuda()) {
            return "cpu";
        }
        String name = CudaPrerequisites.require(index);
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new CudaUnavailableException("this ONNX Runtime has no CUDA provider: use the CUDA 13 build of ONNX"
                    + " Runtime 1.28 (mvn -Pgpu fetches it; see docs/gpu.md) through -Donnxruntime.native.path");
        }
        return name;
    }

    @Override
    public String toString() {
        return isCuda() ? "cuda:" + index : "cpu";
    }
}
