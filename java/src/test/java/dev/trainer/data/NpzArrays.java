package dev.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Every array of an .npz as float32 values, by name: for tests that compare with numbers numpy wrote. */
public final class NpzArrays {

    private NpzArrays() {
    }

    public static Map<String, float[]> read(Path npz) throws IOException {
        Map<String, float[]> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    String name = entry.getName().substring(0, entry.getName().length() - ".npy".length());
                    arrays.put(name, NpyReader.read(in, npz + ":" + entry.getName(), entry.getSize()).toFloats());
                }
            }
        }
        return arrays;
    }
}
