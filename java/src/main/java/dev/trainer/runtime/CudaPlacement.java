package dev.trainer.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.trainer.cuda.CudaPrerequisites;
import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaStream;
import dev.trainer.cuda.CudaUnavailableException;
import dev.trainer.cuda.DeviceBuffer;
import dev.trainer.kernels.CudaKernels;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * One GPU: device memory, and one CUDA stream that ONNX Runtime's CUDA provider runs the graphs on
 * and trainer's {@link CudaKernels} are queued on, so that a graph and the kernels after it run in
 * order without host synchronization. Every copy between host and device goes through that
 * stream, whose counters are then every byte a step moves. Written for the GPU machine; it has
 * not run on a GPU yet.
 */
public final class CudaPlacement implements Placement {

    private final int device;
    private final String name;
    private final CudaRuntime cuda;
    private final CudaStream stream;
    private final CudaKernels kernels;
    private final Map<String, DeviceBuffer> staging = new HashMap<>();

    private CudaPlacement(int device, String name) {
        this.device = device;
        this.name = name;
        this.cuda = CudaRuntime.load();
        this.stream = new CudaStream(cuda);
        try {
            this.kernels = new CudaKernels(cuda, stream);
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /**
     * Claims CUDA device {@code device} after checking what training there needs: the CUDA
     * runtime and driver, the GPU, cuBLAS, cuDNN, ONNX Runtime's CUDA provider and trainer's CUDA
     * kernels.
     *
     * @throws CudaUnavailableException naming, in one line, what to install
     */
    public static CudaPlacement claim(int device) {
        String name = CudaPrerequisites.require(device);
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new CudaUnavailableException("this ONNX Runtime has no CUDA provider: use the CUDA 13 build of ONNX"
                    + " Runtime 1.28 (mvn -Pgpu fetches it; see docs/gpu.md) through -Donnxruntime.native.path");
        }
        return new CudaPlacement(device, name);
    }

    public int device() {
        return device;
    }

    /** The GPU's name, as the driver reports it. */
    public String name() {
        return name;
    }

    public CudaRuntime cuda() {
        return cuda;
    }

    /** The stream the graphs and kernels run on; its counters are the bytes moved so far. */
    public CudaStream stream() {
        return stream;
    }

    @Override
    public boolean isHost() {
        return false;
    }

    @Override
    public CudaKernels kernels() {
        return kernels;
    }

    @Override
    public PlacedMemory allocate(long bytes) {
        DeviceBuffer buffer = new DeviceBuffer(cuda, bytes);
        stream.zero(buffer.segment(), bytes);
        return new PlacedMemory() {
            @Override
            public MemorySegment segment() {
                return buffer.segment();
            }

            @Override
            public void close() {
                stream.synchronize();
                buffer.close();
            }
        };
    }

    @Override
    public void upload(MemorySegment host, MemorySegment placed, long bytes) {
        stream.copyToDevice(host, placed, bytes);
    }

    @Override
    public void download(MemorySegment placed, MemorySegment host, long bytes) {
        stream.copyToHost(placed, host, bytes);
        stream.synchronize();
    }

    @Override
    public void copy(MemorySegment from, MemorySegment to, long bytes) {
        stream.copyOnDevice(from, to, bytes);
    }

    @Override
    public void zero(MemorySegment placed, long bytes) {
        stream.zero(placed, bytes);
    }

    /**
     * Copies through the stream into the key's device buffer. From pageable host memory CUDA
     * copies the bytes out before the call returns, so the host side may change right after.
     */
    @Override
    public MemorySegment stage(String key, MemorySegment host) {
        long bytes = host.byteSize();
        DeviceBuffer buffer = staging.get(key);
        if (buffer == null || buffer.bytes() < bytes) {
            if (buffer != null) {
                stream.synchronize();
                buffer.close();
            }
            buffer = new DeviceBuffer(cuda, bytes);
            staging.put(key, buffer);
        }
        MemorySegment placed = buffer.segment().asSlice(0, bytes);
        stream.copyToDevice(host, placed, bytes);
        return placed;
    }

    /** Waits until everything queued on the stream has run. */
    public void synchronize() {
        stream.synchronize();
    }

    @Override
    public void close() {
        stream.synchronize();
        staging.values().forEach(DeviceBuffer::close);
        kernels.close();
        stream.close();
    }
}
