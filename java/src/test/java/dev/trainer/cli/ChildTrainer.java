package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The trainer command line in a JVM of its own, as {@code ./trainer} runs it, so that a test can
 * kill it or send it signals: its stdout and stderr go to files in a scratch folder.
 */
final class ChildTrainer implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private ChildTrainer(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code trainer ARGS}; its output goes to {@code logs/NAME.out} and {@code .err}. */
    static ChildTrainer start(Path logs, String name, String... args) throws IOException {
        Path javaHome = Path.of(System.getProperty("java.home"));
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), TrainerCommand.class.getName()));
        command.addAll(List.of(args));
        Files.createDirectories(logs);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ChildTrainer(process, out, err);
    }

    /** Waits until the file exists (a checkpoint written), failing the test after {@code seconds}. */
    ChildTrainer awaitFile(Path file, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.exists(file)) {
            assertTrue(process.isAlive(), "the child ended before writing " + file + ":\n" + stderr());
            assertTrue(System.nanoTime() < deadline, "no " + file + " after " + seconds + " s:\n" + stderr());
            Thread.sleep(5);
        }
        return this;
    }

    /** Sends a signal by name ({@code INT}, {@code TERM}, {@code KILL}). */
    ChildTrainer signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " failed");
        return this;
    }

    /** Sends a signal twice in a row, the second at once (it may find the process gone). */
    ChildTrainer signalTwice(String name) throws IOException, InterruptedException {
        String pid = Long.toString(process.pid());
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + pid + " && kill -" + name + " " + pid
                + " 2>/dev/null; exit 0").inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill -" + name + " did not return");
        return this;
    }

    /** Waits for the child to exit; returns its exit code. */
    int exitCode(int seconds) throws InterruptedException {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "the child is still running after " + seconds + " s");
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** Kills the child if it is still running (a failed test must not leave it behind). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
