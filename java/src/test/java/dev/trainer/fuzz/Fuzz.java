package dev.trainer.fuzz;

import dev.trainer.CheckpointException;
import dev.trainer.DataException;
import dev.trainer.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A bounded, repeatable fuzzer for trainer's loaders. Each case takes one of the target's seed
 * files, applies one to three of its mutations, drawn from a generator seeded by (seed, case), and
 * loads the result in a worker thread under a time limit. A case passes when the loader refuses
 * the file with a {@link DataException}, {@link ModelException} or {@link CheckpointException}
 * whose message is one line, or
 * loads it and the target's checks of the result hold; anything else (another exception, a hang,
 * an {@link Error}) fails it, and its file is kept for reproduction.
 */
final class Fuzz {

    /** Loads a file; what it returns is handed to the target's checks. */
    interface Loader {
        Object load(Path file) throws Exception;
    }

    /**
     * Checks a successful load.
     *
     * @param seed           the index of the seed the case mutated
     * @param onlyCorruption whether every mutation was a {@link Mutation#corruption()}
     * @throws AssertionError when the result is wrong
     */
    interface Check {
        void check(Object loaded, int seed, boolean onlyCorruption);
    }

    /** What to fuzz: a loader, the files it starts from, how they are damaged, how a load is checked. */
    record Target(String name, String extension, List<byte[]> seeds, List<Mutation> mutations, Loader loader, Check check) {
    }

    /** One case that failed, and where its file was kept. */
    record Failure(int index, List<String> mutations, String problem, Path file) {
        @Override
        public String toString() {
            return "case " + index + " " + mutations + ": " + problem + " (file: " + file + ")";
        }
    }

    /** The outcome of a run: how many cases loaded, the refusals by message start, and the failures. */
    record Report(String target, int cases, int loaded, Map<String, Integer> refusals, List<Failure> failures) {
        String summary() {
            return String.format("%s: %d cases, %d loaded, %d refused in %d ways, %d failed", target, cases, loaded,
                    cases - loaded - failures.size(), refusals.size(), failures.size());
        }
    }

    private static final int MAX_MESSAGE = 1000;

    private final Path work;
    private final long timeoutSeconds;

    /**
     * @param work where case files are written; failing ones are kept there
     */
    Fuzz(Path work, long timeoutSeconds) {
        this.work = work;
        this.timeoutSeconds = timeoutSeconds;
    }

    Report run(Target target, int cases, long seed) throws InterruptedException, IOException {
        ExecutorService worker = Executors.newSingleThreadExecutor(Fuzz::daemon);
        int loaded = 0;
        Map<String, Integer> refusals = new TreeMap<>();
        List<Failure> failures = new ArrayList<>();
        try {
            for (int index = 0; index < cases; index++) {
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
                int seedIndex = random.nextInt(target.seeds().size());
                byte[] bytes = target.seeds().get(seedIndex);
                List<String> applied = new ArrayList<>();
                boolean onlyCorruption = true;
                for (int k = 1 + random.nextInt(3); k > 0; k--) {
                    Mutation m = target.mutations().get(random.nextInt(target.mutations().size()));
                    bytes = m.apply().apply(bytes, random);
                    applied.add(m.name());
                    onlyCorruption &= m.corruption();
                }
                Path file = write(target, index, bytes);
                Outcome outcome = load(worker, target, file, seedIndex, onlyCorruption);
                if (outcome.problem() == null) {
                    Files.delete(file);
                    loaded += outcome.refusal() == null ? 1 : 0;
                    if (outcome.refusal() != null) {
                        refusals.merge(outcome.refusal(), 1, Integer::sum);
                    }
                } else {
                    failures.add(new Failure(index, applied, outcome.problem(), file));
                    if (outcome.hung()) {
                        worker.shutdownNow();
                        worker = Executors.newSingleThreadExecutor(Fuzz::daemon);
                    }
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return new Report(target.name(), cases, loaded, refusals, failures);
    }

    /** A case's result: a refusal's message start, or a problem, or neither (a good load). */
    private record Outcome(String refusal, String problem, boolean hung) {
    }

    private Outcome load(ExecutorService worker, Target target, Path file, int seedIndex, boolean onlyCorruption)
            throws InterruptedException {
        Future<Object> future = worker.submit(() -> target.loader().load(file));
        try {
            Object result = future.get(timeoutSeconds, TimeUnit.SECONDS);
            target.check().check(result, seedIndex, onlyCorruption);
            return new Outcome(null, null, false);
        } catch (TimeoutException hang) {
            future.cancel(true);
            return new Outcome(null, "no answer within " + timeoutSeconds + " s", true);
        } catch (ExecutionException e) {
            return refusalOrProblem(e.getCause());
        } catch (AssertionError wrong) {
            return new Outcome(null, "loaded wrongly: " + wrong.getMessage(), false);
        }
    }

    private static Outcome refusalOrProblem(Throwable thrown) {
        if (thrown instanceof DataException || thrown instanceof ModelException || thrown instanceof CheckpointException) {
            String message = thrown.getMessage();
            if (message == null || message.isBlank() || message.contains("\n") || message.contains("\r")
                    || message.length() > MAX_MESSAGE) {
                return new Outcome(null, "refused without a one-line message: " + message, false);
            }
            if (message.endsWith(": null") || message.contains(": null ")) {
                return new Outcome(null, "refused without saying why: " + message + " (from " + thrown.getCause() + ")",
                        false);
            }
            return new Outcome(kind(message), null, false);
        }
        StackTraceElement[] trace = thrown.getStackTrace();
        return new Outcome(null, thrown + (trace.length > 0 ? " at " + trace[0] : ""), false);
    }

    /** A refusal's message with the case's file name and numbers left out, to count kinds of refusal. */
    private static String kind(String message) {
        String general = message.replaceAll("\\S*case-\\d+\\.\\w+", "FILE").replaceAll("[0-9]+", "N");
        return general.substring(0, Math.min(general.length(), 60));
    }

    private Path write(Target target, int index, byte[] bytes) {
        try {
            return Files.write(work.resolve(target.name() + "-case-" + index + target.extension()), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "fuzz-case");
        t.setDaemon(true);
        return t;
    }
}
