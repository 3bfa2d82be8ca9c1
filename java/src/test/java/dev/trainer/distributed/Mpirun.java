package dev.trainer.distributed;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Starts a Java main of the test class path as the ranks of an Open MPI job, as a user's {@code mpirun} would. */
final class Mpirun {

    /** What a job left behind. */
    record Outcome(int exitCode, String stdout, String stderr, double seconds) {
        List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " after " + seconds + " s\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Mpirun() {
    }

    /** The mpirun on the PATH; skips the calling test (reported as skipped) when there is none. */
    static Path require() {
        Optional<Path> found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "mpirun")).filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(found.isPresent(), "mpirun is not installed (Debian: openmpi-bin libopenmpi-dev)");
        return found.get();
    }

    /**
     * Runs {@code mpirun [options] -np RANKS --oversubscribe java ... MAIN ARGS} and waits at most
     * {@code timeoutSeconds}; a job still running then is killed and fails the test.
     */
    static Outcome run(List<String> mpirunOptions, int ranks, Class<?> main, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(require().toString()));
        command.addAll(mpirunOptions);
        command.addAll(List.of("-np", Integer.toString(ranks), "--oversubscribe",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("mpirun", ".out");
        Path err = Files.createTempFile("mpirun", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            // Open MPI refuses to start as root (as in CI containers) unless told twice that it is meant.
            builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
            builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                fail("mpirun " + String.join(" ", args) + " still ran after " + timeoutSeconds + " s:\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
