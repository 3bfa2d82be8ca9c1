package dev.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library is found beside the classes in a build, and extracted when it sits in a jar. */
class NativeLibraryTest {

    @Test
    void classFolderLibraryIsUsedInPlace() throws Exception {
        URL url = NativeLibrary.class.getResource(NativeLibrary.RESOURCE);
        assertEquals("file", url.getProtocol());
        assertEquals(Path.of(url.toURI()), NativeLibrary.localFile(url));
    }

    @Test
    void jarLibraryIsExtractedToATemporaryFile(@TempDir Path folder) throws IOException {
        byte[] library;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(NativeLibrary.RESOURCE)) {
            library = in.readAllBytes();
        }
        Path jar = folder.resolve("kernels.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(NativeLibrary.RESOURCE.substring(1)));
            out.write(library);
            out.closeEntry();
        }
        URL inJar = new URL("jar:" + jar.toUri() + "!" + NativeLibrary.RESOURCE);
        Path extracted = NativeLibrary.localFile(inJar);
        assertNotEquals(jar.getParent(), extracted.getParent());
        assertArrayEquals(library, Files.readAllBytes(extracted));
    }
}
