package dev.trainer.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every schedule against the learning rates PyTorch 1.13's schedulers gave each step
 * (scripts/make_schedule_fixture.py), within 1e-9 relative.
 */
class PyTorchSchedulesTest {

    private static JsonNode fixture;
    private static double baseLr;

    @BeforeAll
    static void load() throws IOException {
        fixture = new ObjectMapper().readTree(Path.of("src/test/resources/schedules.json").toFile());
        baseLr = fixture.get("base_lr").asDouble();
    }

    @Test
    void stepDecayIsStepLR() {
        JsonNode c = fixture.get("step");
        assertMatches(c, new StepDecaySchedule(baseLr, c.get("step_size").asLong(), c.get("gamma").asDouble()));
    }

    @Test
    void exponentialIsExponentialLR() {
        JsonNode c = fixture.get("exponential");
        assertMatches(c, new ExponentialSchedule(baseLr, c.get("gamma").asDouble()));
    }

    @Test
    void cosineIsCosineAnnealingLR() {
        for (String name : new String[] {"cosine", "cosine_zero_min"}) {
            JsonNode c = fixture.get(name);
            assertMatches(c, new CosineSchedule(baseLr, c.get("min_lr").asDouble(), c.get("total_steps").asLong()));
        }
    }

    @Test
    void cosineRestartsIsCosineAnnealingWarmRestarts() {
        for (String name : new String[] {"cosine_restarts", "cosine_restarts_constant_period"}) {
            JsonNode c = fixture.get(name);
            assertMatches(c, new CosineRestartsSchedule(baseLr, c.get("min_lr").asDouble(), c.get("t0").asLong(),
                    c.get("t_mult").asLong()));
        }
    }

    @Test
    void oneCycleIsOneCycleLR() {
        for (String name : new String[] {"one_cycle", "one_cycle_odd"}) {
            JsonNode c = fixture.get(name);
            OneCycleSchedule schedule = new OneCycleSchedule(c.get("max_lr").asDouble(), c.get("total_steps").asLong());
            assertMatches(c, schedule);
            JsonNode momenta = c.get("momenta");
            for (int step = 0; step < momenta.size(); step++) {
                assertClose(momenta.get(step).asDouble(), schedule.momentum(step), name + " momentum at step " + step);
            }
        }
    }

    @Test
    void warmUpRampIsLinearLR() {
        JsonNode c = fixture.get("linear_warmup");
        assertMatches(c, new WarmupSchedule(new ConstantSchedule(baseLr), c.get("warmup_steps").asLong()));
    }

    @Test
    void reduceOnPlateauIsReduceLROnPlateau() {
        JsonNode c = fixture.get("plateau");
        for (boolean lowerIsBetter : new boolean[] {true, false}) {
            var schedule = new ReduceOnPlateauSchedule(baseLr, c.get("factor").asDouble(), c.get("patience").asInt(),
                    c.get("min_lr").asDouble(), c.get("threshold").asDouble(), lowerIsBetter);
            JsonNode expected = c.get(lowerIsBetter ? "lrs_min" : "lrs_max");
            for (int i = 0; i < expected.size(); i++) {
                double metric = c.get("metrics").get(i).asDouble();
                // The fixture fed PyTorch's "max" mode the negated losses.
                schedule.observe(lowerIsBetter ? metric : -metric);
                assertClose(expected.get(i).asDouble(), schedule.learningRate(i), "lowerIsBetter=" + lowerIsBetter + ", after metric " + i);
            }
        }
    }

    private static void assertMatches(JsonNode c, LearningRateSchedule schedule) {
        JsonNode lrs = c.get("lrs");
        for (int step = 0; step < lrs.size(); step++) {
            assertClose(lrs.get(step).asDouble(), schedule.learningRate(step), schedule + " at step " + step);
        }
    }

    static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-9 * Math.abs(expected), what);
    }
}
