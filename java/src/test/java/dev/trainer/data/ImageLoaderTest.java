package dev.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.DataException;
import dev.trainer.config.Augmentation;
import dev.trainer.config.ImageConfig;
import dev.trainer.config.ImageNormalization;
import dev.trainer.data.image.BadImageException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {

    private static final List<InputSpec> RGB_12 = List.of(new InputSpec("pixels", ElementType.FLOAT, new long[] {-1, 3, 12, 12}));

    @TempDir
    Path dir;

    private ImageDataset data;

    @BeforeEach
    void writeImages() {
        for (int i = 0; i < 23; i++) {
            TestImages.write(dir.resolve("c" + (i % 3) + "/" + i + ".png"), 15 + i % 4, 17, 11 * i);
        }
        data = (ImageDataset) Datasets.read(dir, RGB_12, Labelling.of(Task.CLASSIFICATION, "label"), null,
                ImageOptions.training(new ImageConfig(null, ImageNormalization.IMAGENET, false, 3)));
    }

    /** Each batch's input values, copied out of the loader's buffers. */
    private static List<float[]> run(ImageDataset images, int threads, int prefetch, int epoch, int[][] batches,
                                     boolean planned) {
        List<float[]> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined(); ImageLoader loader = new ImageLoader(images, 8, arena, threads, prefetch)) {
            if (planned) {
                loader.plan(epoch, batches);
            }
            for (int[] indices : batches) {
                Batch batch = loader.assemble(indices);
                float[] values = new float[(int) (batch.input("pixels").data().remaining() / Float.BYTES)];
                batch.input("pixels").data().asFloatBuffer().get(values);
                out.add(values);
                assertArrayEquals(new long[] {indices.length, 3, 12, 12}, batch.input("pixels").shape());
                int[] labels = new int[indices.length];
                batch.labels().data().asIntBuffer().get(labels);
                for (int i = 0; i < indices.length; i++) {
                    assertEquals(images.labels().classes()[indices[i]], labels[i]);
                }
            }
        }
        return out;
    }

    @Test
    void batchesHoldEachSampleAsDecodedAloneInPlanOrder() throws BadImageException {
        int[][] batches = BatchOrder.epochBatches(data.size(), 8, true, 7, 1);

        List<float[]> planned = run(data, 3, 2, 1, batches, true);

        for (int b = 0; b < batches.length; b++) {
            for (int i = 0; i < batches[b].length; i++) {
                float[] alone = data.sample(batches[b][i], 1).values();
                float[] inBatch = java.util.Arrays.copyOfRange(planned.get(b), i * alone.length, (i + 1) * alone.length);
                assertArrayEquals(alone, inBatch, "batch " + b + " sample " + i);
            }
        }
    }

    @Test
    void augmentedBatchesDependOnSeedEpochAndSampleButNotOnThreads() {
        ImageDataset augmented = data.withAugmentation(Augmentation.parse("flip,crop,rotate:15,color:0.3,erase:0.5").image(), 42);
        int[][] batches = BatchOrder.epochBatches(augmented.size(), 8, true, 42, 2);

        List<float[]> one = run(augmented, 1, 1, 2, batches, true);
        List<float[]> many = run(augmented, 4, 3, 2, batches, true);
        List<float[]> unplanned = run(augmented, 4, 3, 0, batches, false);
        List<float[]> otherEpoch = run(augmented, 4, 3, 3, batches, true);
        List<float[]> plain = run(data, 4, 3, 2, batches, true);

        for (int b = 0; b < batches.length; b++) {
            assertArrayEquals(one.get(b), many.get(b), "batch " + b);
            assertFalse(java.util.Arrays.equals(one.get(b), otherEpoch.get(b)), "epoch 3 draws anew, batch " + b);
            assertFalse(java.util.Arrays.equals(one.get(b), plain.get(b)), "augmentation changes batch " + b);
            assertFalse(java.util.Arrays.equals(one.get(b), unplanned.get(b)), "unplanned batches are epoch 0");
        }
    }

    @Test
    void batchesOtherThanPlannedAreStillRight() {
        int[][] plan = BatchOrder.epochBatches(data.size(), 8, true, 1, 1);
        int[][] asked = {{3, 4, 5}, plan[0], {22}};

        List<float[]> got;
        List<float[]> expected = run(data, 2, 2, 1, asked, false);
        try (Arena arena = Arena.ofConfined(); ImageLoader loader = new ImageLoader(data, 8, arena, 2, 2)) {
            loader.plan(1, plan);
            got = new ArrayList<>();
            for (int[] indices : asked) {
                Batch batch = loader.assemble(indices);
                float[] values = new float[(int) (batch.input("pixels").data().remaining() / Float.BYTES)];
                batch.input("pixels").data().asFloatBuffer().get(values);
                got.add(values);
            }
        }

        for (int b = 0; b < asked.length; b++) {
            assertArrayEquals(expected.get(b), got.get(b));
        }
    }

    @Test
    void anImageThatBreaksAfterReadingFailsItsBatchNamingTheFile() throws IOException {
        Path victim = data.files().get(5);
        Files.write(victim, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});

        DataException e;
        try (Arena arena = Arena.ofConfined(); ImageLoader loader = new ImageLoader(data, 8, arena, 2, 2)) {
            e = assertThrows(DataException.class, () -> loader.assemble(new int[] {4, 5, 6}));
        }

        assertTrue(e.getMessage().startsWith(victim.toString()), e.getMessage());
    }
}
