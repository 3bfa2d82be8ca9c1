package dev.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.DataException;
import dev.trainer.config.ImageConfig;
import dev.trainer.config.ImageNormalization;
import dev.trainer.config.ImageSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    private static final List<InputSpec> GREY_8 = List.of(new InputSpec("x", ElementType.FLOAT, new long[] {-1, 1, 8, 8}));

    @TempDir
    Path dir;

    private Samples read(Path data, ImageOptions options, boolean labelsRequired) {
        return Datasets.read(data, GREY_8, new Labelling(Task.CLASSIFICATION, "label", null, labelsRequired), null, options);
    }

    private Path folder() throws IOException {
        Path root = dir.resolve("train");
        TestImages.write(root.resolve("dog/b.png"), 10, 12, 1);
        TestImages.write(root.resolve("dog/a.jpg"), 10, 12, 2);
        TestImages.write(root.resolve("dog/more/c.bmp"), 10, 12, 3);
        TestImages.write(root.resolve("cat/z.gif"), 10, 12, 4);
        TestImages.write(root.resolve("cat/.hidden.png"), 10, 12, 5);
        Files.writeString(root.resolve("cat/notes.txt"), "not an image");
        TestImages.write(root.resolve("loose.png"), 10, 12, 6);
        return root;
    }

    @Test
    void classesAreSortedFolderNamesAndFilesComeInTorchvisionOrder() throws IOException {
        Path root = folder();

        ImageDataset data = (ImageDataset) read(root, ImageOptions.DEFAULT, true);

        assertEquals(List.of("cat", "dog"), data.classNames());
        assertEquals(List.of(root.resolve("cat/z.gif"), root.resolve("dog/a.jpg"), root.resolve("dog/b.png"),
                root.resolve("dog/more/c.bmp")), data.files());
        assertArrayEquals(new int[] {0, 1, 1, 1}, data.labels().classes());
        assertEquals(8, data.preprocessing().height());
        assertEquals(1, data.preprocessing().channels());
        assertTrue(Datasets.holdsImages(root));
    }

    @Test
    void validationFoldersUseTheTrainingClassIds() throws IOException {
        ImageDataset train = (ImageDataset) read(folder(), ImageOptions.DEFAULT, true);
        Path val = dir.resolve("val");
        TestImages.write(val.resolve("dog/d.png"), 9, 9, 7);
        TestImages.write(dir.resolve("odd/bird/e.png"), 9, 9, 8);

        ImageDataset validation = (ImageDataset) read(val, ImageOptions.DEFAULT.following(train), true);
        String unknown = assertThrows(DataException.class,
                () -> read(dir.resolve("odd"), ImageOptions.DEFAULT.following(train), true)).getMessage();

        assertArrayEquals(new int[] {1}, validation.labels().classes());
        assertEquals(train.classNames(), validation.classNames());
        assertTrue(unknown.contains("class 'bird' is not one of the training classes (cat, dog)"), unknown);
    }

    @Test
    void aBrokenImageFailsNamingItUnlessSkipped() throws IOException {
        Path root = folder();
        Path broken = Files.writeString(root.resolve("dog/broken.png"), "truncated");
        ImageOptions skipping = ImageOptions.training(new ImageConfig(null, ImageNormalization.NONE, true, 2));

        String message = assertThrows(DataException.class, () -> read(root, ImageOptions.DEFAULT, true)).getMessage();
        ImageDataset kept = (ImageDataset) read(root, skipping, true);

        assertTrue(message.startsWith(broken + ": ") && message.contains("--skip-bad-images"), message);
        assertEquals(1, message.lines().count());
        assertEquals(4, kept.size());
        assertEquals(1, kept.skippedImages().size());
        assertTrue(kept.skippedImages().getFirst().startsWith(broken.toString()));
        assertArrayEquals(new int[] {0, 1, 1, 1}, kept.labels().classes());
    }

    @Test
    void aFolderWithoutClassFoldersIsUnlabelledAndOnlyForPrediction() {
        Path flat = dir.resolve("flat");
        TestImages.write(flat.resolve("2.png"), 8, 8, 1);
        TestImages.write(flat.resolve("1.png"), 8, 8, 2);

        ImageDataset data = (ImageDataset) read(flat, ImageOptions.DEFAULT, false);
        String message = assertThrows(DataException.class, () -> read(flat, ImageOptions.DEFAULT, true)).getMessage();

        assertFalse(data.hasLabels());
        assertEquals(List.of(flat.resolve("1.png"), flat.resolve("2.png")), data.files());
        assertTrue(message.contains("has no class folders"), message);
    }

    @Test
    void aSingleImageIsAnUnlabelledDataSetOfOne() {
        Path image = TestImages.write(dir.resolve("one.jpg"), 12, 9, 3);

        ImageDataset data = (ImageDataset) read(image, ImageOptions.DEFAULT, false);
        String message = assertThrows(DataException.class, () -> read(image, ImageOptions.DEFAULT, true)).getMessage();

        assertEquals(List.of(image), data.files());
        assertFalse(data.hasLabels());
        assertTrue(message.contains("is a single image, without a label"), message);
    }

    @Test
    void emptyClassFoldersAndNonImageModelsAreRejected() {
        Path root = dir.resolve("empty");
        TestImages.write(root.resolve("a/1.png"), 8, 8, 1);
        root.resolve("b").toFile().mkdirs();
        List<InputSpec> table = List.of(new InputSpec("x", ElementType.FLOAT, new long[] {-1, 64}));

        String empty = assertThrows(DataException.class, () -> read(root, ImageOptions.DEFAULT, true)).getMessage();
        TestImages.write(dir.resolve("ok/a/1.png"), 8, 8, 1);
        String notImages = assertThrows(DataException.class, () -> Datasets.read(dir.resolve("ok"), table,
                Labelling.of(Task.CLASSIFICATION, "label"), null, ImageOptions.DEFAULT)).getMessage();

        assertTrue(empty.contains("class folder holds no images"), empty);
        assertTrue(notImages.contains("input 'x' of sample shape [64] does not take images"), notImages);
    }

    @Test
    void aDynamicModelSizeNeedsTheImageSize() {
        Path root = dir.resolve("dynamic");
        TestImages.write(root.resolve("a/1.png"), 8, 8, 1);
        List<InputSpec> dynamic = List.of(new InputSpec("x", ElementType.FLOAT, new long[] {-1, 3, -1, -1}));

        String message = assertThrows(DataException.class, () -> Datasets.read(root, dynamic,
                Labelling.of(Task.CLASSIFICATION, "label"), null, ImageOptions.DEFAULT)).getMessage();
        ImageDataset sized = (ImageDataset) Datasets.read(root, dynamic,
                Labelling.of(Task.CLASSIFICATION, "label"), null,
                ImageOptions.training(new ImageConfig(new ImageSize(20, 30), ImageNormalization.IMAGENET, false, 1)));

        assertTrue(message.contains("dynamic height; give the image size (--image-size)"), message);
        assertEquals(20, sized.preprocessing().height());
        assertEquals(30, sized.preprocessing().width());
        assertEquals(3, sized.preprocessing().channels());
    }

    @Test
    void manifestsNamePathsRelativeToThemselves() throws IOException {
        TestImages.write(dir.resolve("pics/one.png"), 8, 8, 1);
        TestImages.write(dir.resolve("pics/two.png"), 8, 8, 2);
        Path csv = Files.writeString(dir.resolve("train.csv"), "path,label\npics/two.png,zebra\n\"pics/one.png\",ant\n");
        Path jsonl = Files.writeString(dir.resolve("val.jsonl"),
                "{\"path\": \"pics/one.png\", \"label\": \"zebra\"}\n\n{\"path\": \"pics/two.png\", \"label\": \"ant\"}\n");
        Path missing = Files.writeString(dir.resolve("missing.csv"), "path,label\npics/three.png,ant\n");

        ImageDataset train = (ImageDataset) read(csv, ImageOptions.DEFAULT, true);
        ImageDataset val = (ImageDataset) read(jsonl, ImageOptions.DEFAULT.following(train), true);
        String message = assertThrows(DataException.class, () -> read(missing, ImageOptions.DEFAULT, true)).getMessage();

        assertEquals(List.of("ant", "zebra"), train.classNames());
        assertArrayEquals(new int[] {1, 0}, train.labels().classes());
        assertEquals(dir.resolve("pics/two.png").toAbsolutePath(), train.files().getFirst());
        assertArrayEquals(new int[] {1, 0}, val.labels().classes());
        assertTrue(message.contains("three.png: cannot be read"), message);
        assertTrue(Datasets.holdsImages(csv) && Datasets.holdsImages(jsonl) && !Datasets.holdsText(jsonl));
    }
}
