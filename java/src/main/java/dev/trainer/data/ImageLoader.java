package dev.trainer.data;

import dev.trainer.DataException;
import dev.trainer.data.image.BadImageException;
import dev.trainer.data.image.FloatImage;
import dev.trainer.data.image.ImagePreprocessing;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches of an {@link ImageDataset}, decoded and augmented on a pool of background threads.
 * After {@link #plan}, it keeps up to {@code prefetch} planned batches in flight, each sample a
 * task of its own, so that the next batches are ready when the step asks; batches and samples
 * come out in plan order whatever the threads' timing, and each sample's augmentation is drawn
 * from (seed, epoch, sample), so the output is the same with 1 thread or 16. An unplanned
 * {@link #assemble} decodes its batch on the pool and waits.
 *
 * <p>Ownership as for {@link BatchAssembler}: the batch buffers live in the caller's arena and
 * each {@code assemble} overwrites them; only the calling thread touches them (the workers
 * return Java arrays). The pool's threads are daemons that end after a few idle seconds, so a
 * loader that is never closed holds nothing for long; {@link #close} ends them at once.
 */
public final class ImageLoader implements BatchSource {

    /** Batches decoded ahead of the one the step is on. */
    public static final int DEFAULT_PREFETCH = 4;

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ImageDataset dataset;
    private final int maxBatchSize;
    private final int prefetch;
    private final ByteBuffer inputBuffer;
    private final ByteBuffer labelBuffer;
    private final ByteBuffer weightBuffer;
    private final ThreadPoolExecutor pool;
    private final Deque<int[]> planned = new ArrayDeque<>();
    private final Deque<Pending> inFlight = new ArrayDeque<>();
    private int epoch;

    /** A batch being decoded: its indices and one task per sample. */
    private record Pending(int[] indices, List<Future<FloatImage>> samples) {
    }

    /**
     * Allocates buffers in {@code arena} for batches of up to {@code maxBatchSize} samples.
     *
     * @param threads  decoding threads
     * @param prefetch planned batches decoded ahead, at least 1
     */
    public ImageLoader(ImageDataset dataset, int maxBatchSize, Arena arena, int threads, int prefetch) {
        if (maxBatchSize < 1 || threads < 1 || prefetch < 1) {
            throw new IllegalArgumentException("batch size " + maxBatchSize + ", " + threads + " threads, prefetch "
                    + prefetch);
        }
        this.dataset = dataset;
        this.maxBatchSize = maxBatchSize;
        this.prefetch = prefetch;
        this.inputBuffer = BatchAssembler.allocate(arena, (long) sampleSize() * Float.BYTES * maxBatchSize);
        this.labelBuffer = dataset.hasLabels() ? BatchAssembler.labelBuffer(dataset.labels(), maxBatchSize, arena) : null;
        this.weightBuffer = BatchAssembler.weightBuffer(dataset, maxBatchSize, arena);
        this.pool = new ThreadPoolExecutor(threads, threads, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads("trainer-images-" + POOLS.incrementAndGet()));
        pool.allowCoreThreadTimeOut(true);
    }

    private int sampleSize() {
        ImagePreprocessing p = dataset.preprocessing();
        return p.channels() * p.height() * p.width();
    }

    @Override
    public void plan(int epoch, int[][] batches) {
        inFlight.forEach(pending -> pending.samples().forEach(task -> task.cancel(false)));
        inFlight.clear();
        planned.clear();
        this.epoch = epoch;
        for (int[] batch : batches) {
            BatchAssembler.requireBatchSize(batch, maxBatchSize);
            planned.add(batch.clone());
        }
        refill();
    }

    @Override
    public Batch assemble(int[] indices) {
        BatchAssembler.requireBatchSize(indices, maxBatchSize);
        Pending next = !inFlight.isEmpty() && Arrays.equals(inFlight.peekFirst().indices(), indices)
                ? inFlight.pollFirst() : submit(indices.clone());
        refill();
        int n = indices.length;
        ByteBuffer view = BatchAssembler.view(inputBuffer, n * sampleSize() * Float.BYTES);
        FloatBuffer out = view.asFloatBuffer();
        for (int i = 0; i < n; i++) {
            out.put(await(next.samples().get(i), indices[i]).values());
        }
        ImagePreprocessing p = dataset.preprocessing();
        HostTensor images = new HostTensor(ElementType.FLOAT, new long[] {n, p.channels(), p.height(), p.width()}, view);
        return new Batch(n, Map.of(dataset.inputName(), images),
                dataset.hasLabels() ? BatchAssembler.labels(dataset.labels(), indices, labelBuffer) : null,
                dataset.hasLabels() ? BatchAssembler.weights(dataset.labels(), indices, weightBuffer) : null);
    }

    /** Starts planned batches until {@code prefetch} are in flight. */
    private void refill() {
        while (inFlight.size() < prefetch && !planned.isEmpty()) {
            inFlight.addLast(submit(planned.pollFirst()));
        }
    }

    private Pending submit(int[] indices) {
        int sampleEpoch = epoch;
        List<Future<FloatImage>> tasks = Arrays.stream(indices)
                .mapToObj(index -> pool.submit(() -> dataset.sample(index, sampleEpoch)))
                .toList();
        return new Pending(indices, tasks);
    }

    private FloatImage await(Future<FloatImage> task, int index) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BadImageException bad) {
                throw new DataException(bad.getMessage(), bad);
            }
            if (e.getCause() instanceof OutOfMemoryError shortage) {
                // a run reports it with its sizes and the options that help, as any other shortage
                throw new OutOfMemoryError("decoding " + dataset.files().get(index) + ": " + shortage.getMessage());
            }
            throw new IllegalStateException("loading image " + dataset.files().get(index) + " failed: " + e.getCause(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + dataset.files().get(index), e);
        } catch (CancellationException e) {
            throw new IllegalStateException("the load of " + dataset.files().get(index) + " was cancelled", e);
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops the decoding threads; batches already returned stay valid. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
