package dev.trainer.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.trainer.ort.OrtApi;
import dev.trainer.ort.ProcessEnvironment;

/**
 * How much ONNX Runtime prints. ORT logs to stderr by itself, in ANSI colour, for things trainer
 * already handles or reports in its own words (an unused initializer removed, a failed shape
 * probe); so it is quiet unless asked: only fatal errors by default, warnings with
 * {@code --verbose}. Every environment and session trainer makes goes through here (the C API
 * runtime's through {@link OrtApi#verbose}), since ORT fixes its environment's level when the
 * first one is made.
 */
public final class OrtLogging {

    private static volatile OrtLoggingLevel level = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;

    private OrtLogging() {
    }

    /**
     * Shows ORT's warnings (true) or only its fatal errors (false) in sessions opened from now on;
     * the environment takes the level in force when it is first made.
     */
    public static void verbose(boolean verbose) {
        level = verbose ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        OrtApi.verbose(verbose);
    }

    /** ORT's one environment, made at the current level if it is the first ({@link ProcessEnvironment}). */
    public static OrtEnvironment environment() {
        return ProcessEnvironment.get(level);
    }

    /** Sets a session's own log level, which applies whatever level the environment was made with. */
    static void configure(OrtSession.SessionOptions options) throws OrtException {
        options.setSessionLogLevel(level);
    }
}
