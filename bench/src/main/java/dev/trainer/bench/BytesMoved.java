package dev.trainer.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the bytes a benchmark reads and writes, so JMH reports them as a rate: the secondary
 * metric {@code bytes} in ops/s is bytes per second, comparable across kernels and with the
 * bandwidth baseline. Only the bytes the algorithm must move are counted (each input read once,
 * each output written once); cache write-allocate traffic is not.
 */
@AuxCounters(AuxCounters.Type.OPERATIONS)
@State(Scope.Thread)
public class BytesMoved {

    /** Bytes moved in this iteration; JMH divides by the iteration's time. */
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
    }

    void add(long count) {
        bytes += count;
    }
}
