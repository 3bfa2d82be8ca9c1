package dev.trainer.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.DataException;
import dev.trainer.config.TextConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A model's HuggingFace tokenizer ({@code tokenizer.json}), run by the Rust {@code tokenizers}
 * library through DJL's JNI binding, configured for training: truncation to {@link #maxLength()}
 * (pairs longest-first), special tokens as the file's post-processor adds them, and no padding,
 * since batches are padded per batch by {@link TextBatchAssembler}.
 *
 * <p>The native library comes inside DJL's jar ({@code native/lib/<os>-<arch>/cpu/}) and is
 * copied on first use into DJL's cache folder ({@code ~/.djl.ai/tokenizers}, or
 * {@code DJL_CACHE_DIR}). Outside offline mode DJL would prefer a CUDA build of the library on
 * a machine with CUDA, which it can only download; trainer never downloads, so unless the user
 * set it, this class turns on {@code ai.djl.offline}, which makes DJL take the bundled CPU build.
 *
 * <p>Owns a native tokenizer handle: close it when done, and not while an {@link #encode} runs.
 */
public final class TextTokenizer implements AutoCloseable {

    /** Token names that mean padding, in the order they are looked for when the file names no pad id. */
    private static final Set<String> PAD_TOKENS = Set.of("[PAD]", "<pad>");

    static {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // DJL logs through SLF4J; without a logging backend SLF4J would print three warning lines
        // to every trainer command's stderr.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private final Path source;
    private final int maxLength;
    private final long padId;
    private final HuggingFaceTokenizer tokenizer;

    private TextTokenizer(Path source, int maxLength, long padId, HuggingFaceTokenizer tokenizer) {
        this.source = source;
        this.maxLength = maxLength;
        this.padId = padId;
        this.tokenizer = tokenizer;
    }

    /**
     * Loads {@code tokenizer.json}. Only that file is read: settings in a {@code tokenizer_config.json}
     * beside it do not apply, so the same file tokenizes the same way wherever it lies.
     *
     * @param maxLength tokens per sample at most, special tokens included; at least 2
     * @throws DataException when the file is missing or is not a tokenizer the library can load
     */
    public static TextTokenizer load(Path tokenizerJson, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max length " + maxLength + ": a sequence needs room for its special tokens");
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new DataException(tokenizerJson + " does not exist or is not a file; expected a HuggingFace tokenizer.json");
        }
        long padId;
        try {
            padId = padId(new ObjectMapper().readTree(tokenizerJson.toFile()));
        } catch (IOException e) {
            throw new DataException(tokenizerJson + " is not a tokenizer.json: " + firstLine(e.getMessage()), e);
        }
        Map<String, String> options = Map.of(
                "maxLength", Integer.toString(maxLength),
                "truncation", "true",
                "padding", "false",
                "addSpecialTokens", "true");
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return new TextTokenizer(tokenizerJson, maxLength, padId, HuggingFaceTokenizer.newInstance(in, options));
        } catch (IOException | RuntimeException e) {
            throw new DataException(tokenizerJson + " could not be loaded as a tokenizer: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The tokenizer a configuration names for a model: its {@code --tokenizer}, or
     * {@code tokenizer.json} beside the model.
     *
     * @throws DataException when the file is missing, naming the option to give
     */
    public static TextTokenizer forModel(TextConfig text, Path model) {
        Path file = text.tokenizerFile(model);
        if (!Files.isRegularFile(file)) {
            throw new DataException(text.tokenizer() != null ? "tokenizer not found: " + file
                    : "text data needs the model's tokenizer: no tokenizer.json beside " + model + "; give --tokenizer PATH");
        }
        return load(file, text.maxLength());
    }

    /**
     * The pad id: the file's {@code padding.pad_id}, else the id of an added {@code [PAD]} or
     * {@code <pad>} token, else 0. Which id pads matters little, since padding is masked out, but
     * the model's own keeps its embedding lookup inside what it was trained on.
     */
    private static long padId(JsonNode json) {
        JsonNode padding = json.path("padding").path("pad_id");
        if (padding.canConvertToLong()) {
            return padding.asLong();
        }
        for (JsonNode token : json.path("added_tokens")) {
            if (PAD_TOKENS.contains(token.path("content").asText()) && token.path("id").canConvertToLong()) {
                return token.path("id").asLong();
            }
        }
        return 0;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The tokenizer.json this was loaded from, for provenance. */
    public Path source() {
        return source;
    }

    /** Tokens per sample at most, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** The token id that fills a batch's padding. */
    public long padId() {
        return padId;
    }

    /**
     * Tokenizes one sample, truncated to {@link #maxLength()}, with special tokens.
     *
     * @param pair the second segment, or null for a single text
     */
    public Tokens encode(String text, String pair) {
        Encoding encoding = pair == null ? tokenizer.encode(text) : tokenizer.encode(text, pair);
        return new Tokens(encoding.getIds(), encoding.getTypeIds());
    }

    /**
     * One tokenized sample, unpadded.
     *
     * @param ids     token ids, special tokens included
     * @param typeIds the segment of each token: 0 for the first text, 1 for the pair
     */
    public record Tokens(long[] ids, long[] typeIds) {
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
