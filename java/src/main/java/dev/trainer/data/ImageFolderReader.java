package dev.trainer.data;

import dev.trainer.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads an image folder the way torchvision's {@code ImageFolder} does: {@code DIR/CLASS/...},
 * one sub-folder per class, classes numbered in sorted order of their names, every image below
 * a class folder (at any depth) a sample of that class, in torchvision's order: by folder path,
 * then by file name. Images are the
 * files ending in .png, .jpg, .jpeg, .bmp or .gif (any case); other files, hidden files (a
 * leading dot, such as macOS's {@code ._x.jpg}) and files directly in DIR are ignored. A folder
 * without class folders holds unlabelled images, for prediction.
 */
final class ImageFolderReader {

    /** The file name endings read as images. */
    static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolderReader() {
    }

    static ImageDataset read(Path dir, List<InputSpec> inputs, ImageOptions options, boolean labelsRequired)
            throws IOException {
        List<Path> classDirs = sorted(dir, Files::isDirectory);
        if (classDirs.isEmpty()) {
            if (labelsRequired) {
                throw new DataException(dir + " has no class folders: labelled images go in DIR/CLASS/*.png (or .jpg,"
                        + " .jpeg, .bmp, .gif), one folder per class");
            }
            List<Path> files = sorted(dir, ImageFolderReader::isImage);
            return ImageDataset.of(dir.toString(), inputs, files, null, List.of(), options);
        }
        List<String> names = classDirs.stream().map(d -> d.getFileName().toString()).toList();
        List<String> classes = options.knownClasses() != null ? options.knownClasses() : names;
        List<Path> files = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (Path classDir : classDirs) {
            String name = classDir.getFileName().toString();
            int id = classes.indexOf(name);
            if (id < 0) {
                throw new DataException(classDir + ": class '" + name + "' is not one of the training classes ("
                        + String.join(", ", classes) + ")");
            }
            List<Path> images = imagesBelow(classDir);
            if (images.isEmpty()) {
                throw new DataException(classDir + ": class folder holds no images (" + String.join(", ", EXTENSIONS) + ")");
            }
            files.addAll(images);
            images.forEach(image -> ids.add(id));
        }
        Labels labels = Labels.ofClasses(ids.stream().mapToInt(Integer::intValue).toArray());
        return ImageDataset.of(dir.toString(), inputs, files, labels, classes, options);
    }

    /** Whether a file name is one read as an image. */
    static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && Files.isRegularFile(file) && EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    private static List<Path> imagesBelow(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            return all.filter(ImageFolderReader::isImage)
                    .sorted(Comparator.comparing((Path p) -> p.getParent().toString())
                            .thenComparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    private static List<Path> sorted(Path dir, java.util.function.Predicate<Path> keep) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).filter(keep)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }
}
