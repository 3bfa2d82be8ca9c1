package dev.trainer.monitor;

import dev.trainer.events.Finding;
import java.util.List;

/** Looks for one kind of problem in a run's history. */
public interface Detector {

    /** The problems seen, none when the history shows none or is too short to tell. */
    List<Finding> detect(RunHistory run);
}
