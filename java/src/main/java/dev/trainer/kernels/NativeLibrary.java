package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds and loads {@code libtrainer_kernels.so}, which the Maven build compiles into the class
 * path at {@value #RESOURCE}. From a class folder the file is loaded where it lies; from a jar it
 * is copied to a temporary file first, since the dynamic loader reads only files. The library
 * lives for the rest of the process (global arena).
 */
final class NativeLibrary {

    static final String RESOURCE = "/native/libtrainer_kernels.so";

    /** Must equal TRAINER_KERNELS_ABI_VERSION in native/src/trainer_kernels.h. */
    static final int ABI_VERSION = 1;

    private static SymbolLookup symbols;

    private NativeLibrary() {
    }

    /**
     * The library's symbols, loading it on first use.
     *
     * @throws IllegalStateException if the library is not on the class path or was built for
     *                               another version of these bindings
     */
    static synchronized SymbolLookup symbols() {
        if (symbols == null) {
            symbols = load();
        }
        return symbols;
    }

    /** A downcall handle to the exported function {@code name}. */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        var address = symbols().find(name).orElseThrow(() -> new IllegalStateException(
                "native kernels lack " + name + ": rebuild them with mvn package"));
        return Linker.nativeLinker().downcallHandle(address, descriptor);
    }

    private static SymbolLookup load() {
        URL url = NativeLibrary.class.getResource(RESOURCE);
        if (url == null) {
            throw new IllegalStateException("native kernels not built: run mvn package ("
                    + RESOURCE + " is not on the class path)");
        }
        SymbolLookup lookup = SymbolLookup.libraryLookup(localFile(url), Arena.global());
        int version = abiVersion(lookup);
        if (version != ABI_VERSION) {
            throw new IllegalStateException("native kernels are stale (ABI version " + version
                    + ", these bindings need " + ABI_VERSION + "): run mvn package");
        }
        return lookup;
    }

    /** The resource as a file the dynamic loader can open: itself, or a copy deleted on exit. */
    static Path localFile(URL url) {
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            Path copy = Files.createTempFile("libtrainer_kernels", ".so");
            copy.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract native kernels from " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad native kernels location " + url, e);
        }
    }

    private static int abiVersion(SymbolLookup lookup) {
        var address = lookup.find("trainer_kernels_version").orElseThrow(() -> new IllegalStateException(
                "native kernels are stale (no trainer_kernels_version): run mvn package"));
        MethodHandle version = Linker.nativeLinker().downcallHandle(address, FunctionDescriptor.of(JAVA_INT));
        try {
            return (int) version.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot query the native kernels' version", t);
        }
    }
}
