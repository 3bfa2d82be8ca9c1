package dev.trainer.runtime;

import dev.trainer.cuda.CudaPrerequisites;
import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaStream;
import dev.trainer.cuda.DeviceBuffer;
import dev.trainer.data.HostTensor;
import dev.trainer.ort.CudaProviderOptions;
import dev.trainer.ort.NativeMemoryInfo;
import dev.trainer.ort.NativeSessionOptions;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * One GPU and ORT's CUDA execution provider, running on a stream this placement owns and shares
 * with trainer's CUDA kernels ({@link #stream()}): graphs and kernels queue in order without host
 * synchronization. Batches are copied in through that stream, so its counters are every byte the
 * session moves between host and device. Written for the GPU machine and not yet run on a GPU.
 */
public final class CudaPlacement implements Placement {

    private final int device;
    private final CudaRuntime cuda;
    private final CudaStream stream;
    private final NativeMemoryInfo memoryInfo;
    private final CudaProviderOptions providerOptions;
    private final Map<String, DeviceBuffer> staging = new HashMap<>();

    /**
     * Claims CUDA device {@code device}.
     *
     * @throws dev.trainer.cuda.CudaUnavailableException when the runtime, driver, GPU, cuBLAS or cuDNN is missing
     */
    public CudaPlacement(int device) {
        CudaPrerequisites.require(device);
        this.device = device;
        this.cuda = CudaRuntime.load();
        this.stream = new CudaStream(cuda);
        this.memoryInfo = NativeMemoryInfo.cuda(device);
        this.providerOptions = new CudaProviderOptions().set(Map.of("device_id", Integer.toString(device), "use_tf32", "0"))
                .computeStream(stream.handle());
    }

    public int device() {
        return device;
    }

    public CudaRuntime cuda() {
        return cuda;
    }

    /** The stream the graphs run on: queue trainer's kernels here. */
    public CudaStream stream() {
        return stream;
    }

    @Override
    public boolean isHost() {
        return false;
    }

    @Override
    public NativeMemoryInfo memoryInfo() {
        return memoryInfo;
    }

    @Override
    public void configure(NativeSessionOptions options) {
        options.cuda(providerOptions);
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
    public MemorySegment stage(String name, HostTensor tensor) {
        long bytes = tensor.data().remaining();
        DeviceBuffer buffer = staging.get(name);
        if (buffer == null || buffer.bytes() < bytes) {
            if (buffer != null) {
                stream.synchronize();
                buffer.close();
            }
            buffer = new DeviceBuffer(cuda, bytes);
            staging.put(name, buffer);
        }
        MemorySegment placed = buffer.segment().asSlice(0, bytes);
        stream.copyToDevice(MemorySegment.ofBuffer(tensor.data()), placed, bytes);
        return placed;
    }

    @Override
    public void close() {
        stream.synchronize();
        staging.values().forEach(DeviceBuffer::close);
        providerOptions.close();
        memoryInfo.close();
        stream.close();
    }
}
