package dev.trainer.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.trainer.config.Augmentation;
import dev.trainer.config.ClassWeights;
import dev.trainer.config.Device;
import dev.trainer.config.DistributedMode;
import dev.trainer.config.HeadSpec;
import dev.trainer.config.ImageNormalization;
import dev.trainer.config.ImageSize;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.LossKind;
import dev.trainer.config.LrGroup;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.NonFinitePolicy;
import dev.trainer.config.NormalizeMethod;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.OptionValue;
import dev.trainer.config.ParameterPattern;
import dev.trainer.config.Penalty;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeApi;
import dev.trainer.config.SamplerKind;
import dev.trainer.config.Sink;
import dev.trainer.config.StoppingMetric;
import dev.trainer.config.Warmup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The one JSON mapping of a {@link RunConfig}: records as objects with snake_case fields, option
 * values as the command line writes them ({@link OptionValue#spec()}, read back by their
 * {@code parse}), paths as strings. What {@code run.json} stores under {@code config}, and the
 * exported model's {@code trainer.config} metadata.
 */
public final class ConfigJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(module());

    private ConfigJson() {
    }

    /** The configuration as a JSON tree. */
    public static JsonNode toTree(RunConfig config) {
        return JSON.valueToTree(config);
    }

    /**
     * The configuration a JSON tree holds, checked as when it was built. A section or setting the
     * tree lacks (a run.json of an earlier trainer, written before it existed) takes its default.
     *
     * @throws IllegalArgumentException naming what is wrong, in one line
     */
    public static RunConfig fromTree(JsonNode tree) {
        try {
            return JSON.treeToValue(withDefaults(toTree(RunConfig.defaults(Path.of("model.onnx"))), tree),
                    RunConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException("not a trainer run configuration: " + firstLine(reason), e);
        }
    }

    /** {@code given} laid over {@code defaults}, object by object: what it has wins, what it lacks is the default's. */
    private static JsonNode withDefaults(JsonNode defaults, JsonNode given) {
        if (!defaults.isObject() || !given.isObject()) {
            return given;
        }
        ObjectNode merged = ((ObjectNode) defaults).deepCopy();
        given.properties().forEach(e -> merged.set(e.getKey(), merged.has(e.getKey())
                ? withDefaults(merged.get(e.getKey()), e.getValue()) : e.getValue()));
        return merged;
    }

    private static String firstLine(String message) {
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }

    private static SimpleModule module() {
        SimpleModule module = new SimpleModule("trainer-config");
        module.addSerializer(OptionValue.class, new StdSerializer<>(OptionValue.class) {
            @Override
            public void serialize(OptionValue value, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeString(value.spec());
            }
        });
        module.addSerializer(Path.class, new StdSerializer<>(Path.class) {
            @Override
            public void serialize(Path value, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeString(value.toString());
            }
        });
        parsed(module, Path.class, Path::of);
        parsed(module, LossKind.class, LossKind::parse);
        parsed(module, OptimizerKind.class, OptimizerKind::parse);
        parsed(module, NormalizeMethod.class, NormalizeMethod::parse);
        parsed(module, StoppingMetric.class, StoppingMetric::parse);
        parsed(module, SamplerKind.class, SamplerKind::parse);
        parsed(module, LrSchedule.class, LrSchedule::parse);
        parsed(module, Warmup.class, Warmup::parse);
        parsed(module, ClassWeights.class, ClassWeights::parse);
        parsed(module, Augmentation.class, Augmentation::parse);
        parsed(module, LrGroup.class, LrGroup::parse);
        parsed(module, Penalty.class, spec -> Penalty.parse("penalty", spec));
        parsed(module, ParameterPattern.class, ParameterPattern::parse);
        parsed(module, HeadSpec.class, HeadSpec::parse);
        parsed(module, LoraSpec.class, LoraSpec::parse);
        parsed(module, Device.class, Device::parse);
        parsed(module, NonFinitePolicy.class, NonFinitePolicy::parse);
        parsed(module, ImageSize.class, ImageSize::parse);
        parsed(module, Sink.class, Sink::parse);
        parsed(module, ImageNormalization.class, ImageNormalization::parse);
        parsed(module, DistributedMode.class, DistributedMode::parse);
        parsed(module, RuntimeApi.class, RuntimeApi::parse);
        parsed(module, RecomputeMode.class, RecomputeMode::parse);
        return module;
    }

    /** Reads a JSON string with the type's parser; its one-line error becomes the mapping error's cause. */
    private static <T> void parsed(SimpleModule module, Class<T> type, Function<String, T> parse) {
        module.addDeserializer(type, new StdDeserializer<>(type) {
            @Override
            public T deserialize(JsonParser in, DeserializationContext context) throws IOException {
                String text = in.getValueAsString();
                if (text == null) {
                    return context.reportInputMismatch(type, "%s must be a string", type.getSimpleName());
                }
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException e) {
                    throw com.fasterxml.jackson.databind.JsonMappingException.from(in, e.getMessage(), e);
                }
            }
        });
    }
}
