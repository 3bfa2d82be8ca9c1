package dev.trainer.config;

/** How a classification head reduces a backbone's {@code [batch, seq, hidden]} states to one vector per sample. */
public enum Pooling {
    /**
     * The mean over positions, counting only those the model's {@code attention_mask} input marks
     * (all positions when the model has no such input): what sentence-transformers embedders use.
     */
    MEAN,
    /** The first position, as BERT-style classifiers read their {@code [CLS]} token. */
    CLS
}
