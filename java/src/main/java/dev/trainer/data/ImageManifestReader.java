package dev.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainer.DataException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an image manifest: a CSV or TSV file with a header naming a {@code path} column and the
 * label column, or a JSONL file of {@code {"path": ..., "label": ...}} objects. Paths are
 * relative to the manifest's folder (or absolute). Labels are class ids, class names (given ids
 * in sorted order by the training manifest) or, for regression, numbers, as in text files.
 */
final class ImageManifestReader {

    private ImageManifestReader() {
    }

    static ImageDataset read(Path manifest, List<InputSpec> inputs, Labelling labelling, ImageOptions options)
            throws IOException {
        List<Path> files = new ArrayList<>();
        LabelCollector labels = new LabelCollector(labelling.task(), options.knownClasses());
        Path base = manifest.toAbsolutePath().getParent();
        if (manifest.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jsonl")) {
            readJsonLines(manifest, base, files, labels, labelling.required());
        } else {
            readRows(manifest, base, labelling.labelColumn(), files, labels, labelling.required());
        }
        return ImageDataset.of(manifest.toString(), inputs, files, labels.labels(), labels.classNames(), options);
    }

    private static void readRows(Path manifest, Path base, String labelColumn, List<Path> files, LabelCollector labels,
                                 boolean labelsRequired) throws IOException {
        try (CsvRows rows = CsvRows.open(manifest)) {
            int path = rows.header().indexOf("path");
            int label = rows.header().indexOf(labelColumn);
            if (path < 0) {
                throw new DataException(manifest + " has no 'path' column");
            }
            if (label < 0 && labelsRequired) {
                throw new DataException(manifest + " has no label column '" + labelColumn + "'");
            }
            while (rows.next()) {
                String where = manifest + " line " + rows.lineNumber();
                if (rows.cells().size() != rows.header().size()) {
                    throw new DataException(where + " has " + rows.cells().size() + " cells, but the header has "
                            + rows.header().size() + " columns");
                }
                files.add(resolve(base, rows.cells().get(path), where));
                String cell = label < 0 ? "" : rows.cells().get(label);
                labels.add(cell.isEmpty() ? null : labels.cellValue(cell), where, labelsRequired);
            }
        }
    }

    private static void readJsonLines(Path manifest, Path base, List<Path> files, LabelCollector labels,
                                      boolean labelsRequired) throws IOException {
        JsonLines.read(manifest, (json, line, where) -> {
            JsonNode path = json.get("path");
            if (path == null || !path.isTextual()) {
                throw new DataException(where + ": no \"path\" string");
            }
            files.add(resolve(base, path.asText(), where));
            labels.add(json.get("label"), where, labelsRequired);
        });
    }

    private static Path resolve(Path base, String path, String where) {
        if (path.isEmpty()) {
            throw new DataException(where + ": empty path");
        }
        try {
            return base.resolve(path).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new DataException(where + ": '" + path + "' is not a path");
        }
    }
}
