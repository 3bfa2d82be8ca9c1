package dev.trainer.distributed;

import java.lang.foreign.MemorySegment;

/**
 * A job of one rank: every collective leaves its buffer as it is, so a training loop written
 * against {@link Collective} runs unchanged, and bit for bit as before, without a launcher.
 */
public final class SingleProcess implements Collective {

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public String description() {
        return "single process";
    }

    @Override
    public void allReduceSum(MemorySegment floats, long count) {
        CollectiveArguments.checkFloats(floats, count);
    }

    @Override
    public void allReduceSum(double[] values) {
    }

    @Override
    public void broadcast(MemorySegment floats, long count) {
        CollectiveArguments.checkFloats(floats, count);
    }

    @Override
    public void barrier() {
    }

    @Override
    public void abort(int exitCode) {
    }

    @Override
    public void close() {
    }
}
