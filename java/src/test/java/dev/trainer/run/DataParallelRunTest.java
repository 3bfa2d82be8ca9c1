package dev.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.CheckpointException;
import dev.trainer.Data;
import dev.trainer.FineTuning;
import dev.trainer.Optimizers;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.distributed.Collective;
import dev.trainer.distributed.InProcessRanks;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.events.StepEvent;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import dev.trainer.kernels.NativeKernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole fine-tune as the ranks of a data-parallel job, simulated by threads of one process
 * ({@link InProcessRanks}): it must end where one process with the global batch ends, to float32
 * summation order, with the same steps and schedule, the same validation on every rank, and only
 * rank 0 telling its listeners and writing the folder. {@code MpirunFineTuneTest} runs the same
 * under a real {@code mpirun}.
 */
class DataParallelRunTest {

    private static final Path DIGITS = Path.of("../models/digits");

    /** {@code DataParallelGradientTest}'s bound: float32 sums in another order, a few steps on. */
    private static final double TOLERANCE = 1e-6;

    @TempDir
    Path tmp;

    /** The digits demo without Dropout (the ranks would draw their own masks), cosine schedule over the run's steps. */
    private static RunConfig digits(int batchSize, int epochs, boolean validate) {
        FineTuning run = FineTuning.of(DIGITS.resolve("model.onnx")).train(Data.file(DIGITS.resolve("train.csv")))
                .epochs(epochs).batchSize(batchSize).schedule(new LrSchedule.Cosine(0));
        if (validate) {
            run.validate(Data.file(DIGITS.resolve("val.csv")));
        }
        ModelConfig m = run.config().model();
        return run.config().with(new ModelConfig(m.file(), m.output(), m.head(), m.replaceHead(), false, m.traps()));
    }

    private static FineTuneRun.Result run(RunConfig config, Path out, Collective ranks, TrainingListener listener) {
        return new FineTuneRun(config, out, NativeKernels.instance(), List.of(listener), null, null, ranks).run();
    }

    @Test
    void twoRanksOfSixteenEndWhereOneProcessOfThirtyTwoEnds() throws Exception {
        Path single = tmp.resolve("single");
        Path parallel = tmp.resolve("parallel");
        Recorder alone = new Recorder();
        FineTuneRun.Result expected = run(digits(32, 2, true), single, new SingleProcess(), alone);
        List<Recorder> heard = List.of(new Recorder(), new Recorder());
        List<FineTuneRun.Result> ranks = InProcessRanks.run(2,
                c -> run(digits(16, 2, true), parallel, c, heard.get(c.rank())));

        double difference = ExportedParameters.relativeDifference(parallel.resolve("model.onnx"), single.resolve("model.onnx"));
        assertTrue(difference <= TOLERANCE, "parameters differ by " + difference + " of the largest");
        for (FineTuneRun.Result r : ranks) {
            assertEquals(expected.outcome().steps(), r.outcome().steps());
            assertEquals(ranks.get(0).outcome().validation(), r.outcome().validation(), "every rank scores alike");
        }
        assertEquals(expected.outcome().validation().accuracy(), ranks.get(0).outcome().validation().accuracy(), 0.003);
        assertEquals(expected.outcome().validation().loss(), ranks.get(0).outcome().validation().loss(), 1e-4);
        assertEquals(alone.steps(), heard.get(0).steps(), "the steps of one process, each the global batch");
        assertTrue(heard.get(1).events.isEmpty(), "rank 1 tells its listeners nothing: " + heard.get(1).events);
        JsonNode record = new ObjectMapper().readTree(parallel.resolve("run.json").toFile());
        assertEquals(2, record.path("data_parallel").path("ranks").asInt());
        assertEquals(32, record.path("data_parallel").path("effective_batch").asInt());
        assertFalse(new ObjectMapper().readTree(single.resolve("run.json").toFile()).has("data_parallel"));
        try (Stream<Path> files = Files.list(parallel)) {
            assertEquals(List.of(".lock", "artifacts", "checkpoints", "metrics.jsonl", "model.onnx", "run.json",
                            "training.png"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        CheckpointException refused = assertThrows(CheckpointException.class,
                () -> FineTuning.resume(parallel).epochs(3).run());
        assertEquals(parallel + " was trained data-parallel over 2 ranks; resume continues runs of one process (its"
                + " batches would be another run's): run the job again into a new folder", refused.getMessage());
    }

    @Test
    void threeRanksTakeALastBatchShorterThanTheRanks() throws Exception {
        // 1000 samples in global batches of 3 x 333: 999, then 1 (no sample for ranks 0 and 1); with
        // momentum SGD, whose update is linear in the gradient (Adam's divides tiny gradients by their own size)
        assertRanksStepAsOneProcess(momentum(digits(999, 2, false)), 3, momentum(digits(333, 2, false)),
                List.of(999, 1, 999, 1));
    }

    @Test
    void ranksAccumulatingWindowsOfBatchesStepAsOneProcessWithTheWholeWindow() throws Exception {
        // --grad-accum 2 over 3 ranks of 333: each epoch is one window of the global batches 999 and 1,
        // the second empty on ranks 0 and 1, which accumulate one batch and still reduce: one process's
        // step on all 1000 samples
        assertRanksStepAsOneProcess(momentum(digits(1000, 2, false)), 3,
                accumulating(momentum(digits(333, 2, false)), 2), List.of(1000, 1000));
    }

    /** {@code ranks} ranks configured as {@code each} end where one process configured as {@code alone} ends, step for step. */
    private void assertRanksStepAsOneProcess(RunConfig alone, int ranks, RunConfig each, List<Integer> samplesPerStep)
            throws Exception {
        Path single = tmp.resolve("single");
        Path parallel = tmp.resolve("parallel");
        Recorder one = new Recorder();
        run(alone, single, new SingleProcess(), one);
        Recorder rankZero = new Recorder();
        InProcessRanks.run(ranks, c -> run(each, parallel, c, c.rank() == 0 ? rankZero : new Recorder()));

        double difference = ExportedParameters.relativeDifference(parallel.resolve("model.onnx"), single.resolve("model.onnx"));
        assertTrue(difference <= TOLERANCE, "parameters differ by " + difference + " of the largest");
        assertEquals(samplesPerStep, rankZero.samplesPerStep());
        assertEquals(one.steps(), rankZero.steps());
    }

    private static RunConfig momentum(RunConfig config) {
        return config.with(Optimizers.momentum(0.05, 0.9));
    }

    private static RunConfig accumulating(RunConfig config, int batches) {
        LoopConfig l = config.loop();
        return config.with(new LoopConfig(l.epochs(), l.batchSize(), batches, l.maxSteps(), l.shuffle(), l.seed(),
                l.evalEvery(), l.statsEvery()));
    }

    /** What a listener heard. */
    private static final class Recorder implements TrainingListener {
        final List<TrainingEvent> events = new ArrayList<>();

        @Override
        public void onEvent(TrainingEvent event, dev.trainer.events.RunControl control) {
            events.add(event);
        }

        List<StepEvent> steps() {
            return events.stream().filter(e -> e instanceof StepEvent).map(e -> (StepEvent) e)
                    .map(s -> new StepEvent(s.epoch(), s.step(), 0, s.lr(), s.momentum(), 0, s.samples())).toList();
        }

        List<Integer> samplesPerStep() {
            return steps().stream().map(StepEvent::samples).toList();
        }
    }
}
