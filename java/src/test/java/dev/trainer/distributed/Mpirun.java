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
public final class Mpirun {

    /** What a job left behind. */
    public record Outcome(int exitCode, String stdout, String stderr, double seconds) {
        public List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " after " + seconds + " s\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** A job started and not yet awaited; its output goes to temporary files until {@link #await}. */
    public static final class Job {
        private final Process process;
        private final Path out;
        private final Path err;
        private final long start = System.nanoTime();

        private Job(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** mpirun and the ranks it started. */
        public Process process() {
            return process;
        }

        /**
         * Waits at most {@code timeoutSeconds} for the job to end; a job still running then is
         * killed and fails the test.
         */
        public Outcome await(long timeoutSeconds) throws IOException, InterruptedException {
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    fail("mpirun still ran after " + timeoutSeconds + " s:\n" + read(out) + read(err));
                }
                return new Outcome(process.exitValue(), read(out), read(err), (System.nanoTime() - start) / 1e9);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }

        private static String read(Path file) throws IOException {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
    }

    private Mpirun() {
    }

    /** The mpirun on the PATH; skips the calling test (reported as skipped) when there is none. */
    public static Path require() {
        Optional<Path> found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "mpirun")).filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(found.isPresent(), "mpirun is not installed (Debian: openmpi-bin libopenmpi-dev)");
        return found.get();
    }

    /**
     * Runs {@code mpirun [options] -np RANKS --oversubscribe java ... MAIN ARGS} and waits at most
     * {@code timeoutSeconds}; a job still running then is killed and fails the test.
     */
    public static Outcome run(List<String> mpirunOptions, int ranks, Class<?> main, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        return start(mpirunOptions, ranks, main, args).await(timeoutSeconds);
    }

    /** Starts {@code mpirun [options] -np RANKS --oversubscribe java ... MAIN ARGS}, each rank a JVM of this class path. */
    public static Job start(List<String> mpirunOptions, int ranks, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(require().toString()));
        command.addAll(mpirunOptions);
        command.addAll(List.of("-np", Integer.toString(ranks), "--oversubscribe",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("mpirun", ".out");
        Path err = Files.createTempFile("mpirun", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // Open MPI refuses to start as root (as in CI containers) unless told twice that it is meant.
        builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        return new Job(builder.start(), out, err);
    }
}
