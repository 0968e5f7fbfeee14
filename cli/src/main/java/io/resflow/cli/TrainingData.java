package io.resflow.cli;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.trainer.data.DataSplits;
import io.resflow.trainer.data.ImageFolderReader;
import io.resflow.trainer.data.ImageRecordFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a {@code --data} value into training and held-out images: {@code fashion-mnist} (its own
 * train and test split), an image folder (class sub-folders), or {@code avro:PATH}, Avro files of
 * labelled ImageRecords such as the pipeline's retraining feed.
 */
final class TrainingData {

    static final String DESCRIPTION =
            "fashion-mnist (default), a folder with one sub-folder of PNG/JPEG per class, or"
                    + " avro:PATH (Avro files of labelled ImageRecords, e.g. the retraining feed)";

    record Split(LabelledImages train, LabelledImages test, String name) {}

    private TrainingData() {}

    static Split load(
            String data,
            int height,
            int width,
            int channels,
            List<String> classNames,
            double holdOut,
            long seed)
            throws IOException {
        if (data.equals("fashion-mnist")) {
            FashionMnist mnist = FashionMnist.atDefaultLocation();
            return new Split(
                    mnist.load(FashionMnist.Split.TRAIN),
                    mnist.load(FashionMnist.Split.TEST),
                    "fashion-mnist");
        }
        LabelledImages all;
        if (data.startsWith("avro:")) {
            if (classNames.isEmpty()) {
                throw new IllegalArgumentException(
                        "avro: data needs --classes (the label names, in index order)");
            }
            ImageRecordFileReader.Result result =
                    ImageRecordFileReader.builder()
                            .setClassNames(classNames)
                            .setImageSize(height, width)
                            .setChannels(channels)
                            .optUnlabelledRecords(ImageRecordFileReader.UnlabelledRecords.SKIP)
                            .build()
                            .read(Path.of(data.substring("avro:".length())));
            if (result.skippedUnlabelled() > 0) {
                System.out.printf(
                        "Skipped %d records without a ground-truth label%n",
                        result.skippedUnlabelled());
            }
            all = result.images();
        } else {
            ImageFolderReader.Builder reader =
                    ImageFolderReader.builder().setImageSize(height, width).setChannels(channels);
            if (!classNames.isEmpty()) {
                reader.optClassNames(classNames);
            }
            all = reader.build().read(Path.of(data));
        }
        int holdOutCount = (int) Math.max(1, Math.round(all.size() * holdOut));
        if (holdOutCount >= all.size()) {
            throw new IllegalArgumentException(
                    data
                            + " has only "
                            + all.size()
                            + " images: too few to hold out "
                            + holdOutCount
                            + " for testing");
        }
        DataSplits.Split split = DataSplits.holdOut(all, holdOutCount, seed);
        return new Split(split.train(), split.holdOut(), data);
    }

    /**
     * Held-out images only, for evaluation and parity checks. For a folder or Avro files they are
     * the images {@code train} held out only when {@code holdOut} and {@code seed} are the ones it
     * was given; with others, some of them were trained on.
     */
    static LabelledImages heldOut(
            String data,
            int height,
            int width,
            int channels,
            List<String> classNames,
            double holdOut,
            long seed)
            throws IOException {
        if (data.equals("fashion-mnist") || data.equals("fashion-mnist-test")) {
            return FashionMnist.atDefaultLocation().load(FashionMnist.Split.TEST);
        }
        return load(data, height, width, channels, classNames, holdOut, seed).test();
    }
}
