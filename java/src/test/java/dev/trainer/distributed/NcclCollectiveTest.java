package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The NCCL binding without a GPU: loading and its messages, and every call's arguments as the C
 * side receives them, through a stand-in library with nccl.h's names and signatures
 * (native/nccl-stub, host memory in place of device memory). Real NCCL on a GPU runs only in the
 * GPU machine's check (docs/gpu.md).
 */
class NcclCollectiveTest {

    private static final String STUB = stubPath();
    private static final SymbolLookup STUB_SYMBOLS = SymbolLookup.libraryLookup(Path.of(STUB), Arena.global());
    private static final MethodHandle ID_RECEIVED = stub("nccl_stub_id_received", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle LAST_CALL = stub("nccl_stub_last_call", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle OPEN = stub("nccl_stub_open", FunctionDescriptor.of(JAVA_INT));
    private static final MemorySegment STREAM = MemorySegment.ofAddress(0x5eed);

    @Test
    void theUniqueIdIsNcclHsStructOf128Bytes() {
        assertEquals(128, NcclLibrary.UNIQUE_ID.byteSize());
        assertEquals(0, NcclLibrary.UNIQUE_ID_BYTES % Float.BYTES, "the id travels over the bootstrap as whole floats");
    }

    @Test
    void aMissingLibrarySaysWhatToInstallInOneLine() {
        CollectiveException e = assertThrows(CollectiveException.class,
                () -> NcclLibrary.load(Map.of(NcclLibrary.LIBRARY_VARIABLE, "/nonexistent/libnccl.so.2")));
        assertEquals("cannot load NCCL for --device cuda in a job of several ranks (tried /nonexistent/libnccl.so.2):"
                + " install NCCL 2 (pip install nvidia-nccl-cu13, which PyTorch's CUDA 13 wheels bring, or NVIDIA's"
                + " libnccl2 package) or set TRAINER_NCCL_LIBRARY to its libnccl.so.2", e.getMessage());
    }

    @Test
    void withoutNcclTheDefaultNamesAreTriedAndNamed() {
        String message;
        try {
            NcclLibrary.load(Map.of());
            message = null;
        } catch (CollectiveException e) {
            message = e.getMessage();
        }
        assumeTrue(message != null, "NCCL is installed on this machine");
        assertTrue(message.startsWith("cannot load NCCL for --device cuda in a job of several ranks (tried"
                + " libnccl.so.2, libnccl.so): install NCCL 2 "), message);
    }

    @Test
    void aLibraryThatIsNotNcclIsRefused() {
        CollectiveException e = assertThrows(CollectiveException.class, () -> NcclLibrary.load(List.of("libc.so.6")));
        assertTrue(e.getMessage().startsWith("libc.so.6 is not NCCL (it has no ncclCommInitRank): install NCCL 2 "),
                e.getMessage());
    }

    @Test
    void versionCodesReadAsNcclVersionWritesThem() {
        assertEquals("2.8.4", NcclCollective.versionText(2804));
        assertEquals("2.27.3", NcclCollective.versionText(22703));
        assertEquals("2.18.11", NcclCollective.versionText(21811));
    }

    @Test
    void everyCallReachesTheCSideWithItsArguments() throws Throwable {
        AtomicInteger drained = new AtomicInteger();
        NcclLibrary nccl = NcclLibrary.load(List.of(STUB));
        try (Arena arena = Arena.ofConfined()) {
            float[] values = {1.5f, -2f, 3.25f, 0f, 7f, -0.5f, 9f, 11f, 13f, 17f};
            MemorySegment floats = arena.allocateFrom(JAVA_FLOAT, values);
            NcclCollective nccl1;
            try (NcclCollective c = NcclCollective.open(nccl, new SingleProcess(), STREAM, drained::incrementAndGet)) {
                nccl1 = c;
                assertEquals(1, (int) ID_RECEIVED.invokeExact(), "the 128-byte id arrived by value, byte for byte");
                assertEquals("NCCL 2.27.3 over single process", c.description());
                assertEquals(0, c.rank());
                assertEquals(1, c.size());

                c.allReduceSum(floats, 10);
                assertArrayEquals(new long[] {10, NcclLibrary.FLOAT32, NcclLibrary.SUM, 1, STREAM.address()}, lastCall());
                c.broadcast(floats, 6);
                assertArrayEquals(new long[] {6, NcclLibrary.FLOAT32, 0, 1, STREAM.address()}, lastCall());
                assertArrayEquals(values, floats.toArray(JAVA_FLOAT));

                assertThrows(IllegalArgumentException.class, () -> c.allReduceSum(floats, 11));
                assertEquals(6, lastCall()[0], "a count beyond the buffer is refused before NCCL is called");
                assertEquals(0, drained.get());
            }
            assertEquals(1, drained.get(), "close waits for the stream before destroying the communicator");
            assertEquals(0, (int) OPEN.invokeExact());
            assertThrows(IllegalStateException.class, () -> nccl1.allReduceSum(floats, 1));
        }
    }

    @Test
    void ncclsErrorsComeBackAsOneLineWithItsText() throws Exception {
        NcclLibrary nccl = NcclLibrary.load(List.of(STUB));
        List<String> messages = InProcessRanks.run(2, ranks -> assertThrows(CollectiveException.class,
                () -> NcclCollective.open(nccl, ranks, STREAM, () -> { })).getMessage());
        assertEquals("ncclCommInitRank failed: invalid argument (run with NCCL_DEBUG=WARN for details) (" + STUB + ")",
                messages.get(1));
    }

    private static long[] lastCall() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG, 5);
            try {
                LAST_CALL.invokeExact(out);
            } catch (Throwable t) {
                throw Downcalls.rethrow(t);
            }
            return out.toArray(JAVA_LONG);
        }
    }

    private static MethodHandle stub(String name, FunctionDescriptor descriptor) {
        return Downcalls.bind(STUB_SYMBOLS, "libnccl_stub.so", name, descriptor);
    }

    private static String stubPath() {
        var url = NcclCollectiveTest.class.getResource("/native/libnccl_stub.so");
        if (url == null) {
            throw new IllegalStateException("libnccl_stub.so not built: run the tests through Maven");
        }
        try {
            return Path.of(url.toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
