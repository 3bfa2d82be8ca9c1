/**
 * Model surgery, the one place graphs change. For classification, {@link dev.trainer.edit.ClassificationHead}
 * puts pooling and a new linear layer on a backbone's {@code [batch, seq, hidden]} output, and
 * {@link dev.trainer.edit.HeadReplacement} re-initialises a classifier's last linear layer for
 * another number of classes. Both return a {@link dev.trainer.edit.HeadEdit}: a plain ONNX model
 * with the same inputs, which trains and exports like any other. The other edits bake input
 * normalization into an exported model, turn Dropout on for training, train a model ending in
 * Softmax on its logits, and give the uses of a shared initializer their own copies
 * ({@link dev.trainer.edit.UntieSharedInitializers}). New names come from {@code GraphEditor}.
 */
package dev.trainer.edit;
