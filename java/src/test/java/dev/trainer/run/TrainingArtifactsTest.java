package dev.trainer.run;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.checkpoint.Checkpoint;
import dev.trainer.checkpoint.CheckpointFolder;
import dev.trainer.cli.Cli;
import dev.trainer.runtime.ParameterBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training graphs a run folder holds read back as the graphs the run trained with. */
class TrainingArtifactsTest {

    private static final Path DIGITS = Path.of("../models/digits");

    @TempDir
    Path tmp;

    @Test
    void theArtifactsOfARunReadBackAsItsTrainingGraphs() {
        Path dir = tmp.resolve("run");
        Cli.Outcome outcome = Cli.run("fine-tune", "--out", dir.toString(), "--model", DIGITS.resolve("model.onnx").toString(),
                "--train", DIGITS.resolve("train.csv").toString(), "--max-steps", "3", "--threads", "1");
        assertEquals(0, outcome.code(), outcome.err());
        TrainingGraphs graphs = TrainingArtifacts.read(new RunFolder(dir));

        Path checkpoint = new CheckpointFolder(dir.resolve("checkpoints")).list().getLast();
        List<String> trained = Checkpoint.readHeader(checkpoint).slots().stream().map(ParameterBuffer.Slot::name).toList();
        assertEquals(trained, graphs.trainable(), "the flat buffer's order");
        assertEquals(Set.copyOf(trained), graphs.parameterGradients().keySet());

        Set<String> forwardInputs = names(graphs.forward().proto().getGraph().getInputList());
        assertTrue(forwardInputs.containsAll(trained), "the parameters are the forward graph's inputs: " + forwardInputs);
        assertTrue(graphs.forward().proto().getGraph().getInitializerList().stream().noneMatch(t -> trained.contains(t.getName())));
        Set<String> forwardOutputs = names(graphs.forward().proto().getGraph().getOutputList());
        Set<String> backwardInputs = names(graphs.backward().proto().getGraph().getInputList());
        assertFalse(graphs.stash().isEmpty());
        for (String value : graphs.stash()) {
            assertTrue(forwardOutputs.contains(value) || forwardInputs.contains(value), value + " comes from the forward");
            assertTrue(backwardInputs.contains(value), value + " goes into the backward");
        }
        assertTrue(backwardInputs.containsAll(graphs.outputGradientInputs().values()));
        assertEquals(Set.copyOf(graphs.parameterGradients().values()),
                names(graphs.backward().proto().getGraph().getOutputList()));
        assertTrue(graphs.backward().proto().getGraph().getNodeList().stream().map(NodeProto::getDomain)
                .allMatch(d -> d.isEmpty() || d.equals("ai.onnx")), "standard ONNX ops only");
    }

    @Test
    void aFolderWithoutArtifactsHasNone() {
        assertNull(TrainingArtifacts.read(new RunFolder(tmp)));
    }

    private static Set<String> names(List<ValueInfoProto> values) {
        return values.stream().map(ValueInfoProto::getName).collect(Collectors.toSet());
    }
}
