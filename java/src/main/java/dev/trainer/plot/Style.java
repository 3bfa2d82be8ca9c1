package dev.trainer.plot;

/** How a {@link Series} is drawn. */
public enum Style {
    /** A solid line. */
    LINE,
    /** A thin translucent line, for dense noisy data under a smoother series. */
    FAINT_LINE,
    /** A solid line with a dot at each point, for sparse data such as one value per epoch. */
    LINE_AND_MARKERS
}
