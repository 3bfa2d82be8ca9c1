package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.events;
import static dev.trainer.scenarios.Scenario.fineTune;
import static dev.trainer.scenarios.Scenario.perEpoch;
import static dev.trainer.scenarios.Scenario.runJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.onnx.OnnxModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The done-when of images: a small CNN fine-tunes from an image folder of real PNG and JPEG
 * files (the digits set at 40x40, resized to the model's 32x32 on loading) to the accuracy
 * PyTorch reaches from the same initial weights with the same preprocessing and settings
 * (scripts/make_image_digits_fixture.py: Adam, lr 0.003, full batch, 25 epochs).
 *
 * <p>Full-batch steps make the sample order irrelevant, so the two runs are the same computation
 * up to float rounding and JPEG decoding (Pillow's libjpeg-turbo and ImageIO differ by a level
 * or two on some pixels). Measured: every step's loss agrees within 3e-5 relative and every
 * epoch's validation accuracy exactly. The tolerances, 1e-3 relative on losses and 2 of the 397
 * validation images on accuracy, leave room for samples sitting on a decision boundary; they
 * still catch a subtly wrong preprocessing (plain bilinear instead of antialiased resizing
 * fails the loss check at step 10).
 */
class ImageFolderFineTuneTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/image_digits");

    @TempDir
    Path tmp;

    @Test
    @Tag("slow")
    void aSmallCnnReachesPyTorchsAccuracyFromAnImageFolder() throws IOException {
        unzip(FIXTURE.resolve("images.zip"), tmp);
        JsonNode pytorch = Scenario.json(FIXTURE.resolve("fixture.json"));
        Path run = tmp.resolve("run");

        fineTune(run, "--model", FIXTURE.resolve("model.onnx").toString(), "--train", tmp.resolve("train").toString(),
                "--val", tmp.resolve("val").toString(), "--optimizer", "adam", "--lr", pytorch.get("lr").asText(),
                "--epochs", pytorch.get("epochs").asText(), "--batch-size", pytorch.get("batch_size").asText(),
                "--no-shuffle");

        List<JsonNode> steps = events(run, "step");
        assertEquals(pytorch.get("epochs").asInt(), steps.size());
        for (int s = 0; s < steps.size(); s++) {
            double expected = pytorch.get("train_loss").get(s).asDouble();
            assertEquals(expected, steps.get(s).get("loss").asDouble(), 1e-3 * expected, "loss of step " + (s + 1));
        }
        double[] accuracy = perEpoch(run, "val_accuracy");
        double sample = 1.0 / pytorch.get("val_images").asInt();
        for (int e = 0; e < accuracy.length; e++) {
            assertEquals(pytorch.get("val_accuracy").get(e + 1).asDouble(), accuracy[e], 2 * sample + 1e-9,
                    "validation accuracy after epoch " + (e + 1));
        }
        double final_ = pytorch.get("val_accuracy").get(accuracy.length).asDouble();
        assertTrue(final_ > 0.9 && accuracy[accuracy.length - 1] >= final_ - 2 * sample - 1e-9,
                "trainer " + accuracy[accuracy.length - 1] + ", PyTorch " + final_);

        JsonNode data = runJson(run).get("data");
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), Scenario.names(data.get("class_names")));
        assertEquals(32, data.get("image_preprocessing").get("height").asInt());
        assertTrue(OnnxModel.load(run.resolve("model.onnx")).proto().getMetadataPropsList().stream()
                .anyMatch(p -> p.getKey().equals(ModelMetadata.IMAGE_PREPROCESSING)));
    }

    @Test
    void theNormalizationMovesIntoTheExportedModelAndEvaluateReadsTheFolderAsTrained() throws IOException {
        unzip(FIXTURE.resolve("images.zip"), tmp);
        Path run = tmp.resolve("run");

        Scenario.Outcome trained = fineTune(run, "--model", FIXTURE.resolve("model.onnx").toString(), "--train",
                tmp.resolve("train").toString(), "--val", tmp.resolve("val").toString(), "--lr", "0.003", "--epochs", "1",
                "--batch-size", "50", "--image-normalize", "0.3,0.4", "--augment", "flip,rotate:5");
        Scenario.Outcome evaluated = Scenario.cli("evaluate", "--model", run.resolve("model.onnx").toString(), "--data",
                tmp.resolve("val").toString()).ok();

        var nodes = OnnxModel.load(run.resolve("model.onnx")).proto().getGraph().getNodeList();
        assertEquals(List.of("Constant", "Constant", "Sub", "Div", "Conv"),
                nodes.subList(0, 5).stream().map(n -> n.getOpType()).toList());
        double lastAccuracy = perEpoch(run, "val_accuracy")[0];
        assertTrue(evaluated.out().contains(String.format("%-16s %.4f", "accuracy", lastAccuracy)),
                "evaluate on the exported model:\n" + evaluated.out() + "\nthe run's last validation: " + lastAccuracy);
        JsonNode data = runJson(run).get("data");
        assertEquals("flip,rotate:5", data.get("image_augmentation").asText());
        assertEquals(0.4, data.get("image_preprocessing").get("std").get(0).asDouble());
        assertTrue(trained.out().contains("val_accuracy"), trained.out());
        assertTrue(evaluated.out().contains("true \\ predicted"), "the confusion matrix table:\n" + evaluated.out());
    }

    @Test
    void predictNamesEachImageFileAndItsClass() throws IOException {
        unzip(FIXTURE.resolve("images.zip"), tmp);
        Path run = tmp.resolve("run");
        fineTune(run, "--model", FIXTURE.resolve("model.onnx").toString(), "--train", tmp.resolve("train").toString(),
                "--lr", "0.003", "--epochs", "1", "--batch-size", "50");
        Path folderCsv = tmp.resolve("folder.csv");
        Path oneCsv = tmp.resolve("one.csv");
        Path one = tmp.resolve("val/3").toFile().listFiles()[0].toPath();

        Scenario.cli("predict", "--model", run.resolve("model.onnx").toString(), "--data", tmp.resolve("val").toString(),
                "--out", folderCsv.toString()).ok();
        Scenario.cli("predict", "--model", run.resolve("model.onnx").toString(), "--data", one.toString(),
                "--out", oneCsv.toString()).ok();

        List<String> rows = Files.readAllLines(folderCsv);
        assertTrue(rows.getFirst().startsWith("file,prediction,class,"), rows.getFirst());
        assertEquals(pytorchValImages() + 1, rows.size());
        String firstOfThree = rows.stream().filter(r -> r.startsWith("3/")).findFirst().orElseThrow();
        String[] cells = firstOfThree.split(",");
        assertTrue(cells[0].matches("3/\\d+\\.(png|jpg)"), firstOfThree);
        assertEquals(cells[1], cells[2], "the class names of the digits folders are the digits");
        List<String> single = Files.readAllLines(oneCsv);
        assertEquals(2, single.size());
        assertTrue(single.get(1).startsWith(one.getFileName() + ","), single.get(1));
    }

    private static int pytorchValImages() {
        return Scenario.json(FIXTURE.resolve("fixture.json")).get("val_images").asInt();
    }

    @Test
    void imageOptionsThatDoNotFitAreOneLineErrors() {
        Path csv = Scenario.DIGITS_TRAIN;

        Scenario.Outcome flipTable = Scenario.cli("fine-tune", "--model", Scenario.DIGITS_MODEL.toString(), "--train",
                csv.toString(), "--out", tmp.resolve("a").toString(), "--augment", "flip");
        Scenario.Outcome badSize = Scenario.cli("fine-tune", "--model", Scenario.DIGITS_MODEL.toString(), "--train",
                csv.toString(), "--out", tmp.resolve("b").toString(), "--image-size", "0x3");

        assertEquals(2, flipTable.code());
        assertTrue(flipTable.err().contains("--augment flip works on images, not on tabular data"), flipTable.err());
        assertEquals(2, badSize.code());
        assertTrue(badSize.err().lines().findFirst().orElseThrow().endsWith("--image-size '0x3': use N or HxW,"
                + " positive integers (e.g. 224 or 224x160) (see `trainer fine-tune --help`)"), badSize.err());
    }

    /**
     * An image whose header is sound (so the check before training passes) but whose data is cut:
     * found when its batch is decoded, in the run, so the run failed (exit 1, one line naming the
     * file), with what it recorded so far and its diagnosis; not bad input (exit 2), which
     * promises that nothing was written.
     */
    @Test
    void anImageDamagedBehindItsHeaderFailsTheRunInOneLine() throws IOException {
        Path train = tmp.resolve("train");
        for (int i = 0; i < 8; i++) {
            BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setSample(i % 8, i / 8, 0, 255);
            Path file = Files.createDirectories(train.resolve(String.valueOf(i % 2))).resolve(i + ".png");
            ImageIO.write(image, "png", file.toFile());
        }
        Path damaged = train.resolve("1").resolve("7.png");
        byte[] bytes = Files.readAllBytes(damaged);
        Files.write(damaged, Arrays.copyOf(bytes, 40));
        Path run = tmp.resolve("run");

        Scenario.Outcome o = Scenario.cli("fine-tune", "--model", "src/test/resources/fixtures/cnn/model.onnx", "--train",
                train.toString(), "--out", run.toString(), "--epochs", "1", "--batch-size", "8");

        assertEquals(1, o.code(), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().startsWith("trainer: error: training failed: " + damaged + ": cannot be decoded: "), o.err());
        assertTrue(Files.exists(run.resolve("metrics.jsonl")) && !Files.exists(run.resolve("model.onnx")));
    }

    static void unzip(Path zip, Path into) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the folder: " + entry.getName());
                }
                Files.createDirectories(target.getParent());
                Files.copy(entries, target);
            }
        }
    }
}
