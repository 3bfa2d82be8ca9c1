package dev.trainer.train.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trainer.config.FreezingConfig;
import dev.trainer.config.LoraConfig;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.ParameterPattern;
import dev.trainer.config.RunConfig;
import dev.trainer.edit.LoraAdapter;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.Attributes;
import dev.trainer.runtime.ParameterBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What trains under LoRA, and what it costs: only the adapters' factors (with a new head and what
 * {@code --lora-also} names) get a slot in the parameter buffer, hence gradient and optimizer
 * memory, and the backward graph computes no gradient of a frozen weight, only the input
 * gradients that flow through it.
 */
class LoraTrainingTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final LoraSpec SPEC = new LoraSpec(4, 8, 0);

    /**
     * Weight gradients are the backward graph's products with a transposed left operand (Gemm
     * transA=1: {@code xᵀ·dy}); input gradients are not ({@code dy·Wᵀ}). Full fine-tuning has one
     * per trained weight matrix; LoRA one per factor and none for the weights it leaves frozen.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bert_tiny_torchscript", "bert_tiny_export_style"})
    void theBackwardGraphComputesNoGradientOfAFrozenWeight(String fixture) {
        RunConfig full = config(fixture);
        RunConfig lora = full.with(LoraConfig.of(SPEC));
        try (TrainingStep whole = TrainingStep.open(TrainingModel.of(full), full, NativeKernels.instance());
             TrainingStep adapted = TrainingStep.open(TrainingModel.of(lora), lora, NativeKernels.instance())) {
            assertEquals(13, weightGradients(whole), "12 projections and the classifier");
            List<LoraAdapter> adapters = adapted.model().adapters();
            assertEquals(12, adapters.size());
            assertEquals(2 * adapters.size(), weightGradients(adapted), "A and B of each adapter, nothing else");

            ParameterBuffer buffer = adapted.parameters();
            assertEquals(factors(adapters), buffer.slots().stream().map(ParameterBuffer.Slot::name).toList());
            long factorValues = 2L * 4 * (4 * (32 + 32) + (32 + 64) + (64 + 32));
            assertEquals(factorValues, buffer.parameterCount(), "gradient and moment memory for the factors only");
        }
    }

    @Test
    void aNewHeadAndLoraAlsoTrainBesideTheAdaptersAndTrainOnlyStillDecides() {
        RunConfig replaced = config("bert_tiny_torchscript");
        ModelConfig m = replaced.model();
        replaced = replaced.with(new ModelConfig(m.file(), m.output(), null, 2, false, m.traps()));
        RunConfig lora = replaced.with(new LoraConfig(SPEC, List.of(),
                List.of(ParameterPattern.parse("embeddings.LayerNorm")), false));
        TrainingModel model = TrainingModel.of(lora);
        List<String> expected = new ArrayList<>(factors(model.adapters()));
        expected.addAll(List.of("embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
        List<String> trainable = model.selection().trainable();
        assertTrue(trainable.containsAll(expected), trainable.toString());
        assertEquals(expected.size() + 2, trainable.size(), "and the replaced classifier's weight and bias: " + trainable);

        RunConfig onlyAdapters = lora.with(new FreezingConfig(List.of(), List.of(ParameterPattern.parse("**.lora_*")), 0, 0));
        assertEquals(factors(model.adapters()), TrainingModel.of(onlyAdapters).selection().trainable());

        RunConfig typo = replaced.with(new LoraConfig(SPEC, List.of(), List.of(ParameterPattern.parse("embedings")), false));
        String message = assertThrows(IllegalArgumentException.class, () -> TrainingModel.of(typo)).getMessage();
        assertTrue(message.startsWith("--lora-also 'embedings' matches no parameter"), message);
    }

    private static RunConfig config(String fixture) {
        RunConfig defaults = RunConfig.defaults(FIXTURES.resolve(fixture).resolve("model.onnx"));
        ModelConfig m = defaults.model();
        return defaults.with(new ModelConfig(m.file(), m.output(), null, 0, false, m.traps()));
    }

    private static long weightGradients(TrainingStep step) {
        List<NodeProto> nodes = step.session().graphs().backward().proto().getGraph().getNodeList();
        return nodes.stream().filter(n -> n.getOpType().equals("Gemm") && Attributes.getInt(n, "transA", 0) == 1).count();
    }

    private static List<String> factors(List<LoraAdapter> adapters) {
        List<String> names = new ArrayList<>();
        adapters.forEach(a -> names.addAll(List.of(a.a(), a.b())));
        return names;
    }
}
