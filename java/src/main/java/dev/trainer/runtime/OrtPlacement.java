package dev.trainer.runtime;

import dev.trainer.ort.CudaProviderOptions;
import dev.trainer.ort.NativeMemoryInfo;
import dev.trainer.ort.NativeSessionOptions;
import java.util.Map;

/**
 * A {@link Placement} as ONNX Runtime's C API sees it: the memory info that tensors over its
 * memory carry and that outputs are allocated with, and the execution provider its sessions run
 * on: the CPU provider for host memory, the CUDA provider on the placement's own stream for a
 * GPU. TF32 stays off there, as PyTorch's default for float32 matmuls.
 */
final class OrtPlacement implements AutoCloseable {

    private final NativeMemoryInfo memoryInfo;
    private final NativeMemoryInfo hostMemoryInfo;
    private final CudaProviderOptions cudaOptions;

    OrtPlacement(Placement placement) {
        hostMemoryInfo = NativeMemoryInfo.cpu();
        if (placement instanceof CudaPlacement cuda) {
            NativeMemoryInfo device = null;
            try {
                device = NativeMemoryInfo.cuda(cuda.device());
                cudaOptions = new CudaProviderOptions().set(Map.of("device_id", Integer.toString(cuda.device()),
                        "use_tf32", "0")).computeStream(cuda.stream().handle());
            } catch (RuntimeException e) {
                if (device != null) {
                    device.close();
                }
                hostMemoryInfo.close();
                throw e;
            }
            memoryInfo = device;
        } else {
            memoryInfo = hostMemoryInfo;
            cudaOptions = null;
        }
    }

    /** The placement's memory. */
    NativeMemoryInfo memoryInfo() {
        return memoryInfo;
    }

    /** Host memory, for values read back to the host. */
    NativeMemoryInfo hostMemoryInfo() {
        return hostMemoryInfo;
    }

    /** Adds the placement's execution provider to session options (the CPU provider is always there). */
    void configure(NativeSessionOptions options) {
        if (cudaOptions != null) {
            options.cuda(cudaOptions);
        }
    }

    @Override
    public void close() {
        if (cudaOptions != null) {
            cudaOptions.close();
            memoryInfo.close();
        }
        hostMemoryInfo.close();
    }
}
