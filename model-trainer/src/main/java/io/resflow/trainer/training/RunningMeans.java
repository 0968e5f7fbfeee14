package io.resflow.trainer.training;

/** Image-weighted means of loss and accuracy over some steps. */
final class RunningMeans {
    private double lossSum;
    private long correct;
    private long images;

    /** A step of {@code images} images with mean loss {@code meanLoss}. */
    void add(double meanLoss, long correct, long images) {
        lossSum += meanLoss * images;
        this.correct += correct;
        this.images += images;
    }

    double loss() {
        return images == 0 ? Double.NaN : lossSum / images;
    }

    double accuracy() {
        return images == 0 ? Double.NaN : (double) correct / images;
    }

    long images() {
        return images;
    }

    void reset() {
        lossSum = 0;
        correct = 0;
        images = 0;
    }
}
