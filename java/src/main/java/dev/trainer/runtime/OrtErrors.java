package dev.trainer.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime's error messages in a user's words. ORT prefixes many with its source file and
 * the C++ signature of the function that failed, and says "opset 99 is under development" for a
 * model too new for it; an allocation failure is a shortage of memory, not a bug.
 */
final class OrtErrors {

    /** ORT Java's prefix, {@code Error code - ORT_FAIL - message: }. */
    private static final Pattern ERROR_CODE = Pattern.compile("^Error code - \\w+ - message: ");
    /** {@code /onnxruntime_src/onnxruntime/core/graph/model_load_utils.h:46 void onnxruntime::...(...) }, or {@code tensorprotoutils.cc:1026 }. */
    private static final Pattern SOURCE_LOCATION = Pattern.compile("(/onnxruntime_src/\\S+|\\b\\w+\\.(cc|h)):\\d+ ");
    private static final Pattern OPSET = Pattern.compile("Opset (\\d+) is under development.*till opset (\\d+)");
    private static final Pattern ALLOCATION = Pattern.compile(
            "(?i)(failed to allocate memory|bad_alloc|bad allocation|out of memory)");

    private OrtErrors() {
    }

    /** The first line of ORT's message (ORT Java's or the C API's), without its error code, source location and C++ signature. */
    static String message(Throwable e) {
        String message = e.getMessage() == null ? "unknown error" : e.getMessage().lines().findFirst().orElse("");
        message = ERROR_CODE.matcher(message).replaceFirst("");
        Matcher opset = OPSET.matcher(message);
        if (opset.find()) {
            return "the model needs opset " + opset.group(1) + "; ONNX Runtime " + OrtLogging.environment().getVersion()
                    + " supports up to opset " + opset.group(2);
        }
        Matcher location = SOURCE_LOCATION.matcher(message);
        if (!location.find()) {
            return message;
        }
        return message.substring(0, location.start()) + withoutSignature(message.substring(location.end()));
    }

    /**
     * Throws an {@link OutOfMemoryError}, which a run reports with the sizes involved, when ORT
     * failed because it could not allocate memory; returns otherwise.
     */
    static void rethrowShortage(Throwable e) {
        if (e.getMessage() != null && ALLOCATION.matcher(e.getMessage()).find()) {
            OutOfMemoryError shortage = new OutOfMemoryError("ONNX Runtime: " + message(e));
            shortage.initCause(e);
            throw shortage;
        }
    }

    /** Text after a C++ signature {@code type name(arguments) [const] }, or the text itself when it has none. */
    private static String withoutSignature(String text) {
        int open = text.indexOf('(');
        if (open < 0 || !text.substring(0, open).contains("::") || text.substring(0, open).contains(". ")) {
            return text;
        }
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth == 0) {
                String rest = text.substring(i + 1).stripLeading();
                return rest.startsWith("const ") ? rest.substring("const ".length()) : rest;
            }
        }
        return text;
    }
}
