package dev.trainer.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Where a run came from: content hashes of its inputs and the versions that produced it. */
public final class Provenance {

    private Provenance() {
    }

    /**
     * SHA-256 of a file's bytes, hex; of a folder (an image folder), of every file below it in
     * sorted order of relative path, each as its path, a 0 byte, then its bytes, so that a
     * renamed, moved or changed file changes the hash.
     */
    public static String sha256(Path file) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            if (!Files.isDirectory(file)) {
                update(digest, file);
                return HexFormat.of().formatHex(digest.digest());
            }
            List<Path> files;
            try (Stream<Path> all = Files.walk(file, FileVisitOption.FOLLOW_LINKS)) {
                files = all.filter(Files::isRegularFile).map(file::relativize)
                        .sorted(Comparator.comparing(Path::toString)).toList();
            }
            for (Path relative : files) {
                digest.update(relative.toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                update(digest, file.resolve(relative));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }

    public static String trainerVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    public static String onnxRuntimeVersion() {
        return dev.trainer.runtime.OrtLogging.environment().getVersion();
    }
}
