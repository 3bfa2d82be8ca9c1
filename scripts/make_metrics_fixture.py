#!/usr/bin/python3
"""Write java/src/test/resources/metrics/sklearn.json: scikit-learn's values of the evaluation
metrics on a few small prediction sets, for dev.trainer.evaluate's tests.

Each classification set holds float32 logits (what a model outputs) and integer labels; the
probabilities every metric sees are the float64 softmax of those float32 values, on both sides.
The sets cover ties in the scores, a class that is never predicted and a class that never
occurs in the labels. Regression sets hold float32 predictions and targets, one or two
outputs per sample.

Conventions checked here (and stated in the Java code):
  * per-class precision, recall, F1 and support over every class of the model, 0 where a
    ratio is 0/0 (sklearn's zero_division=0);
  * macro and weighted F1 over the classes present in the labels or the predictions
    (sklearn's default labels=None);
  * ROC-AUC and average precision: binary, the score of class 1; multi-class, one-vs-rest,
    the unweighted mean over the classes that occur in the labels (sklearn raises when a class
    is absent; where all occur, the value is asserted equal to sklearn's own
    multi_class="ovr" / average="macro" result);
  * top-k: sklearn's tie rule (among equal scores the higher class index ranks first).

Run from the repository root with Debian's Python (it has sklearn):
  /usr/bin/python3 scripts/make_metrics_fixture.py
"""
import json
from pathlib import Path

import numpy as np
from sklearn import metrics

OUT = Path("java/src/test/resources/metrics/sklearn.json")


def softmax(logits):
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def classification(name, logits, labels, top_k):
    logits = logits.astype(np.float32)
    classes = logits.shape[1]
    probs = softmax(logits)
    predicted = probs.argmax(axis=1)
    all_classes = list(range(classes))
    precision, recall, f1, support = metrics.precision_recall_fscore_support(
        labels, predicted, labels=all_classes, zero_division=0)
    present = sorted(set(labels.tolist()))
    if classes == 2:
        roc_auc = metrics.roc_auc_score(labels, probs[:, 1])
        average_precision = metrics.average_precision_score(labels, probs[:, 1])
    else:
        roc_auc = float(np.mean([metrics.roc_auc_score(labels == c, probs[:, c]) for c in present]))
        average_precision = float(np.mean(
            [metrics.average_precision_score(labels == c, probs[:, c]) for c in present]))
        if len(present) == classes:
            ovr = metrics.roc_auc_score(labels, probs, multi_class="ovr", average="macro", labels=all_classes)
            binarized = np.eye(classes)[labels]
            macro_ap = metrics.average_precision_score(binarized, probs, average="macro")
            assert abs(ovr - roc_auc) < 1e-12, (name, ovr, roc_auc)
            assert abs(macro_ap - average_precision) < 1e-12, (name, macro_ap, average_precision)
    case = {
        "name": name,
        "classes": classes,
        "labels": labels.tolist(),
        "logits": [float(v) for v in logits.reshape(-1)],
        "expected": {
            "accuracy": metrics.accuracy_score(labels, predicted),
            "precision": precision.tolist(),
            "recall": recall.tolist(),
            "f1": f1.tolist(),
            "support": support.tolist(),
            "macro_f1": metrics.f1_score(labels, predicted, average="macro", zero_division=0),
            "weighted_f1": metrics.f1_score(labels, predicted, average="weighted", zero_division=0),
            "log_loss": metrics.log_loss(labels, probs, labels=all_classes),
            "roc_auc": roc_auc,
            "average_precision": average_precision,
            "top_k": {str(k): metrics.top_k_accuracy_score(labels, probs, k=k, labels=all_classes) for k in top_k},
            "confusion": metrics.confusion_matrix(labels, predicted, labels=all_classes).tolist(),
        },
    }
    assert len(set(predicted.tolist())) <= classes
    return case


def regression(name, predictions, targets):
    predictions = predictions.astype(np.float32)
    targets = targets.astype(np.float32)
    p = predictions.astype(np.float64)
    t = targets.astype(np.float64)
    mse = metrics.mean_squared_error(t, p)
    return {
        "name": name,
        "outputs": predictions.shape[1],
        "predictions": [float(v) for v in predictions.reshape(-1)],
        "targets": [float(v) for v in targets.reshape(-1)],
        "expected": {
            "mae": metrics.mean_absolute_error(t, p),
            "mse": mse,
            "rmse": float(np.sqrt(mse)),
            "r2": metrics.r2_score(t, p),
        },
    }


def main():
    rng = np.random.default_rng(20240613)
    cases = []

    # Binary with heavy ties: logits on a coarse grid, so many samples share a score.
    labels = rng.integers(0, 2, 40)
    logits = np.stack([np.zeros(40), np.round(rng.normal(labels * 1.0, 1.0) * 2) / 2], axis=1)
    cases.append(classification("binary_ties", logits, labels, []))

    # Four classes, informative but imperfect scores, every class present and predicted.
    labels = rng.integers(0, 4, 60)
    logits = rng.normal(0, 1, (60, 4)) + 1.5 * np.eye(4)[labels]
    cases.append(classification("multiclass", logits, labels, [2, 3]))

    # Class 2 occurs in the labels but is never predicted (its logit is always far below).
    labels = rng.integers(0, 4, 50)
    logits = rng.normal(0, 1, (50, 4)) + 1.0 * np.eye(4)[labels]
    logits[:, 2] -= 10
    cases.append(classification("never_predicted", logits, labels, [2]))

    # Class 3 never occurs in the labels but is predicted for some samples.
    labels = rng.integers(0, 3, 50)
    logits = rng.normal(0, 1, (50, 4)) + 1.0 * np.eye(4)[labels]
    logits[::7, 3] += 4
    cases.append(classification("absent_label", logits, labels, [2, 3]))

    # Three classes with scores on a coarse grid: ties within rows and across samples.
    labels = rng.integers(0, 3, 45)
    logits = np.round(rng.normal(0, 1, (45, 3)) + np.eye(3)[labels])
    cases.append(classification("multiclass_ties", logits, labels, [1, 2]))

    targets = rng.normal(3, 2, (30, 1))
    cases_regression = [
        regression("single_output", targets + rng.normal(0, 0.7, (30, 1)), targets),
    ]
    targets = np.stack([rng.normal(0, 1, 25), rng.normal(10, 5, 25)], axis=1)
    cases_regression.append(regression("two_outputs", targets + rng.normal(0, 1, (25, 2)), targets))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"classification": cases, "regression": cases_regression}, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
