package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The program {@link MpiCollectiveTest} starts under {@code mpirun}: one scenario per run, named
 * by the first argument. Checks that can be made inside a rank are made there: a rank prints
 * {@code rank R ok: ...} when its results are right and {@code rank R wrong: ...} (exit 1) when
 * not; the failure scenarios are judged from outside by their exit code and output.
 */
final class MpiCheck {

    /** Small enough that the test buffers below cross several chunk boundaries. */
    static final int CHUNK = 1000;

    private MpiCheck() {
    }

    public static void main(String[] args) throws IOException {
        MpiCollective closed;
        try (MpiCollective mpi = MpiCollective.open(MpiLibrary.load(System.getenv()), CHUNK)) {
            closed = mpi;
            switch (args[0]) {
                case "sums" -> sums(mpi);
                case "throw" -> throwOnLastRank(mpi);
                case "kill" -> killLastRank(mpi);
                case "agree" -> agreeOnLastRanksFailure(mpi);
                default -> throw new IllegalArgumentException("no scenario " + args[0]);
            }
        }
        refusedAfterFinalize(closed);
    }

    /** After MPI_Finalize neither the closed collective nor a new one may touch MPI. */
    private static void refusedAfterFinalize(MpiCollective closed) {
        String use = refusal(() -> closed.barrier());
        String reopen = refusal(() -> MpiCollective.open(System.getenv()));
        System.out.println("rank " + closed.rank() + " after close: " + use + "; " + reopen);
    }

    private static String refusal(Runnable action) {
        try {
            action.run();
            return "not refused";
        } catch (IllegalStateException | CollectiveException e) {
            return e.getMessage();
        }
    }

    /** All-reduce of floats (in chunks) and doubles, broadcast and barrier, with exactly representable sums. */
    private static void sums(Collective c) {
        int r = c.rank();
        int n = c.size();
        StringBuilder wrong = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            for (int count : new int[] {0, 1, CHUNK - 1, CHUNK, 2 * CHUNK + 501, 1 << 20}) {
                MemorySegment floats = arena.allocate(JAVA_FLOAT, Math.max(1, count) + 1L);
                floats.set(JAVA_FLOAT, (long) count * Float.BYTES, -7f);
                for (int i = 0; i < count; i++) {
                    floats.setAtIndex(JAVA_FLOAT, i, rankValue(r, i));
                }
                c.allReduceSum(floats, count);
                for (int i = 0; i < count; i++) {
                    float expected = 0;
                    for (int k = 0; k < n; k++) {
                        expected += rankValue(k, i);
                    }
                    if (floats.getAtIndex(JAVA_FLOAT, i) != expected) {
                        wrong.append(" float sum of ").append(count).append(" at ").append(i).append(": ")
                                .append(floats.getAtIndex(JAVA_FLOAT, i)).append(" != ").append(expected);
                        break;
                    }
                }
                if (floats.getAtIndex(JAVA_FLOAT, count) != -7f) {
                    wrong.append(" all-reduce of ").append(count).append(" wrote past its count");
                }
            }
            double[] doubles = {r + 1, 0.5 * r, -r, 1e-3};
            c.allReduceSum(doubles);
            double[] expected = {n * (n + 1) / 2.0, 0.25 * n * (n - 1), -n * (n - 1) / 2.0, n * 1e-3};
            for (int i = 0; i < doubles.length; i++) {
                if (Math.abs(doubles[i] - expected[i]) > 1e-12) {
                    wrong.append(" double sums ").append(Arrays.toString(doubles)).append(" != ").append(Arrays.toString(expected));
                    break;
                }
            }
            int count = 3 * CHUNK + 7;
            MemorySegment parameters = arena.allocate(JAVA_FLOAT, count);
            for (int i = 0; i < count; i++) {
                parameters.setAtIndex(JAVA_FLOAT, i, r == 0 ? i * 0.25f : -1f);
            }
            c.broadcast(parameters, count);
            for (int i = 0; i < count; i++) {
                if (parameters.getAtIndex(JAVA_FLOAT, i) != i * 0.25f) {
                    wrong.append(" broadcast at ").append(i).append(": ").append(parameters.getAtIndex(JAVA_FLOAT, i));
                    break;
                }
            }
        }
        c.barrier();
        report(c, wrong, "float and double sums, broadcast and barrier (" + c.description() + ")");
    }

    /** Integers and quarters up to a few thousand: every partial sum is exact in float32, in any order. */
    private static float rankValue(int rank, int i) {
        return (rank + 1) * ((i % 1024) - 512) * 0.25f + rank;
    }

    private static void report(Collective c, StringBuilder wrong, String what) {
        if (wrong.isEmpty()) {
            System.out.println("rank " + c.rank() + " ok: " + what);
        } else {
            System.out.println("rank " + c.rank() + " wrong:" + wrong);
            System.out.flush();
            c.abort(1);
        }
    }

    /** The last rank fails in its third step while the others wait in the all-reduce: the job must end. */
    private static void throwOnLastRank(Collective c) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment gradients = arena.allocate(JAVA_FLOAT, 1024);
            for (int step = 1; ; step++) {
                if (c.rank() == c.size() - 1 && step == 3) {
                    throw new IllegalStateException("injected failure in step " + step);
                }
                c.allReduceSum(gradients, 1024);
            }
        } catch (IllegalStateException e) {
            JobFailure.abort(c, e.getMessage(), 3, System.err);
        }
    }

    /** The last rank is killed from outside (as by the OOM killer) while the others wait in the all-reduce. */
    private static void killLastRank(Collective c) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment gradients = arena.allocate(JAVA_FLOAT, 1024);
            c.allReduceSum(gradients, 1024);
            if (c.rank() == c.size() - 1) {
                new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start();
            }
            while (true) {
                c.allReduceSum(gradients, 1024);
            }
        }
    }

    /** Every rank checks its input; only the last finds it bad: one message, exit code 2 everywhere. */
    private static void agreeOnLastRanksFailure(Collective c) {
        boolean bad = c.rank() == c.size() - 1;
        int code = JobFailure.agree(c, bad ? 2 : 0, bad ? "no such file: train.csv" : null, System.err);
        System.out.println("rank " + c.rank() + " went on after agree with " + code);
    }
}
