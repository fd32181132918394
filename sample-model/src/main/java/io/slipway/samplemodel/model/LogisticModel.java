package io.slipway.samplemodel.model;

/**
 * A fixed logistic-regression model over {@value #FEATURES} FP32 features: {@code p = sigmoid(w·x + b)}.
 * Small on purpose: its answers can be checked by hand (see {@link #WEIGHTS}).
 */
public final class LogisticModel {

    public static final int FEATURES = 4;
    static final float[] WEIGHTS = {0.5f, -0.25f, 1.0f, 2.0f};
    static final float BIAS = -1.0f;

    /** Scores each row of a {@code [rows, FEATURES]} row-major matrix. */
    public Scores score(float[] features, int rows) {
        if (features.length != rows * FEATURES) {
            throw new IllegalArgumentException(
                    "expected " + rows * FEATURES + " values for " + rows + " rows, got " + features.length);
        }
        float[] logits = new float[rows];
        float[] probabilities = new float[rows];
        for (int row = 0; row < rows; row++) {
            float z = BIAS;
            for (int col = 0; col < FEATURES; col++) {
                z += WEIGHTS[col] * features[row * FEATURES + col];
            }
            logits[row] = z;
            probabilities[row] = (float) (1.0 / (1.0 + Math.exp(-z)));
        }
        return new Scores(logits, probabilities);
    }

    public record Scores(float[] logits, float[] probabilities) {}
}
