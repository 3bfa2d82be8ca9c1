/**
 * Model surgery for classification: {@link dev.trainer.edit.ClassificationHead} puts pooling and
 * a new linear layer on a backbone's {@code [batch, seq, hidden]} output, and
 * {@link dev.trainer.edit.HeadReplacement} re-initialises a classifier's last linear layer for
 * another number of classes. Both return a {@link dev.trainer.edit.HeadEdit}: a plain ONNX model
 * with the same inputs, which trains and exports like any other.
 */
package dev.trainer.edit;
