package dev.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.CheckpointException;
import dev.trainer.io.AtomicFile;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.train.loop.LoopState;
import dev.trainer.train.loop.SnapshotJson;
import dev.trainer.train.optim.GroupedOptimizer;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a run needs to go on exactly where it was: the flat parameter buffer, the
 * optimizer's moments and step counts, the loop's state (position in the epoch, schedule, early
 * stopping with its best parameters, the divergence guard), and the settings. Every random draw is
 * a function of the seed and the step ({@link dev.trainer.data.Seeds}), so the seed in the settings
 * and the step in the loop state are the whole random state. Sections of a {@link CheckpointFile}:
 *
 * <pre>
 *   HEAD  JSON     {@link Header}: versions, hashes of the model and settings, step, the parameter layout
 *   CONF  JSON     the run's configuration, as run.json's "config"
 *   LOOP  JSON     the loop state ({@link SnapshotJson})
 *   PARM  float32  the parameter buffer, gaps included (HEAD's layout)
 *   OPT1  float32  SGD's velocity or Adam's first moment, same layout; empty for plain SGD
 *   OPT2  float32  Adam's second moment, same layout; empty otherwise
 *   BEST  float32  early stopping's best parameters, in LOOP's order; empty without
 * </pre>
 *
 * @param config the settings as run.json's {@code config} object
 * @param first  OPT1, or {@code null} when empty
 * @param second OPT2, or {@code null} when empty
 */
public record Checkpoint(Header header, JsonNode config, LoopState.Snapshot loop, float[] parameters, float[] first,
                         float[] second) {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int SECTIONS = 7;

    /**
     * What a checkpoint says about itself, readable without the rest ({@link #readHeader}).
     *
     * @param trainerVersion the trainer that wrote it
     * @param created        when, ISO-8601
     * @param modelSha256    SHA-256 of the model file the run trains
     * @param configSha256   SHA-256 of the settings that fix the result (all but --epochs and --max-steps)
     * @param epoch          the epoch it was written in
     * @param step           steps taken
     * @param slots          the parameter buffer's layout
     * @param bufferLength   floats in the buffer, gaps included
     * @param optimizerSteps each parameter's update count, in layout order
     * @param metricsBytes   the length of metrics.jsonl when it was written: a resumed run cuts it there
     * @param best           whether the last validation before it was the best so far
     */
    public record Header(String trainerVersion, String created, String modelSha256, String configSha256, int epoch,
                         long step, List<ParameterBuffer.Slot> slots, long bufferLength, long[] optimizerSteps,
                         long metricsBytes, boolean best) {
    }

    /** Writes a checkpoint of a live run atomically, streaming the buffers from native memory. */
    public static void write(Path file, Header header, JsonNode config, LoopState.Snapshot loop,
                             ParameterBuffer parameters, GroupedOptimizer.Moments moments) {
        AtomicFile.write(file, out -> {
            CheckpointFile.Writer w = new CheckpointFile.Writer(out, SECTIONS);
            w.json("HEAD", header(header));
            w.json("CONF", config);
            w.json("LOOP", SnapshotJson.write(loop));
            w.floats("PARM", parameters.values(), parameters.length());
            w.floats("OPT1", moments.first(), length(moments.first(), parameters.length()));
            w.floats("OPT2", moments.second(), length(moments.second(), parameters.length()));
            w.floats("BEST", SnapshotJson.bestValues(loop));
            w.finish();
        });
    }

    private static long length(MemorySegment moments, long bufferLength) {
        return moments.equals(MemorySegment.NULL) ? 0 : bufferLength;
    }

    /**
     * Reads a whole checkpoint, checking every section.
     *
     * @throws CheckpointException for a missing, truncated, corrupted or other-version file
     */
    public static Checkpoint read(Path file) {
        try (CheckpointFile.Reader in = new CheckpointFile.Reader(file)) {
            Header header = header(in.json("HEAD"), file);
            JsonNode config = in.json("CONF");
            JsonNode loop = in.json("LOOP");
            float[] parameters = in.floats("PARM");
            float[] first = in.floats("OPT1");
            float[] second = in.floats("OPT2");
            float[] best = in.floats("BEST");
            in.finish();
            if (parameters.length != header.bufferLength()) {
                throw new CheckpointException(file + " is corrupt: its parameters do not fill its layout");
            }
            try {
                return new Checkpoint(header, config, SnapshotJson.read(loop, best), parameters,
                        first.length == 0 ? null : first, second.length == 0 ? null : second);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file + " is corrupt: " + e.getMessage(), e);
            }
        }
    }

    /** The header alone, its section checked. */
    public static Header readHeader(Path file) {
        try (CheckpointFile.Reader in = new CheckpointFile.Reader(file)) {
            return header(in.json("HEAD"), file);
        }
    }

    private static ObjectNode header(Header h) {
        ObjectNode out = JSON.objectNode().put("trainer_version", h.trainerVersion()).put("created", h.created())
                .put("model_sha256", h.modelSha256()).put("config_sha256", h.configSha256()).put("epoch", h.epoch())
                .put("step", h.step()).put("buffer_length", h.bufferLength()).put("metrics_bytes", h.metricsBytes())
                .put("best", h.best());
        ArrayNode slots = out.putArray("parameters");
        for (int i = 0; i < h.slots().size(); i++) {
            ParameterBuffer.Slot s = h.slots().get(i);
            ObjectNode slot = slots.addObject().put("name", s.name()).put("offset", s.offset()).put("count", s.count())
                    .put("optimizer_steps", h.optimizerSteps()[i]);
            ArrayNode shape = slot.putArray("shape");
            for (long d : s.shape()) {
                shape.add(d);
            }
        }
        return out;
    }

    private static Header header(JsonNode in, Path file) {
        List<ParameterBuffer.Slot> slots = new ArrayList<>();
        JsonNode parameters = in.path("parameters");
        long[] steps = new long[parameters.size()];
        for (JsonNode p : parameters) {
            long[] shape = new long[p.path("shape").size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = p.path("shape").get(d).asLong();
            }
            steps[slots.size()] = p.path("optimizer_steps").asLong();
            slots.add(new ParameterBuffer.Slot(p.path("name").asText(), shape, p.path("offset").asLong(),
                    p.path("count").asLong()));
        }
        for (String field : List.of("trainer_version", "model_sha256", "config_sha256", "step", "buffer_length")) {
            if (!in.hasNonNull(field)) {
                throw new CheckpointException(file + " is corrupt: its header has no " + field);
            }
        }
        return new Header(in.path("trainer_version").asText(), in.path("created").asText(), in.path("model_sha256").asText(),
                in.path("config_sha256").asText(), in.path("epoch").asInt(), in.path("step").asLong(), List.copyOf(slots),
                in.path("buffer_length").asLong(), steps, in.path("metrics_bytes").asLong(), in.path("best").asBoolean());
    }
}
