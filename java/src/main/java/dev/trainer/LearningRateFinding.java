package dev.trainer;

import dev.trainer.train.schedule.LearningRateFinder;
import java.nio.file.Path;

/** What the learning-rate range test saw and suggests. */
public final class LearningRateFinding {

    private final LearningRateFinder.Result result;

    LearningRateFinding(LearningRateFinder.Result result) {
        this.result = result;
    }

    /** The suggested learning rate, or NaN when too few steps ran to tell. */
    public double suggestedLr() {
        return result.suggestedLr();
    }

    /** How the suggestion was reached, several lines citing the numbers. */
    public String reasoning() {
        return result.reasoning();
    }

    /** Whether the loss blew up before the largest rate was reached. */
    public boolean stoppedEarly() {
        return result.stoppedEarly();
    }

    /** Draws the smoothed loss against the rate, the suggestion marked, as a PNG. */
    public void writePlot(Path png) {
        result.plot().writePng(png, 900, 560);
    }
}
