package dev.trainer.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * ONNX Runtime's one environment of the process, made by trainer with one intra-op thread pool
 * that every session without its own thread count shares (ORT's default size: one thread per
 * core). A training step runs two sessions back to back (forward, backward); with a pool each,
 * the pool that just finished still spins for work while the other runs, and on a 2-core machine
 * that stalls the running one: MobileNetV3-small's step took 102-138 ms on two per-session pools,
 * 87-90 ms on the shared one, 77-90 ms on one thread (docs/performance.md, "Threads"). Where the
 * environment already existed when trainer first asked (an application made it), sessions keep
 * pools of their own.
 */
public final class ProcessEnvironment {

    private static OrtEnvironment environment;
    private static boolean sharedThreads;

    private ProcessEnvironment() {
    }

    /** The environment, made at {@code level} with the shared thread pool if nothing made it before. */
    public static synchronized OrtEnvironment get(OrtLoggingLevel level) {
        if (environment == null) {
            try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
                environment = OrtEnvironment.getEnvironment(level, OrtEnvironment.DEFAULT_NAME, threading);
                sharedThreads = true;
            } catch (IllegalStateException madeBefore) {
                environment = OrtEnvironment.getEnvironment(level, OrtEnvironment.DEFAULT_NAME);
            }
        }
        return environment;
    }

    /** Whether sessions without a thread count of their own run on the environment's shared pool. */
    public static synchronized boolean sharedThreads() {
        return sharedThreads;
    }
}
