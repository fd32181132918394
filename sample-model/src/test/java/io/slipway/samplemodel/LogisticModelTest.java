package io.slipway.samplemodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.slipway.samplemodel.model.LogisticModel;
import org.junit.jupiter.api.Test;

class LogisticModelTest {

    private final LogisticModel model = new LogisticModel();

    @Test
    void scoresEachRowWithTheFixedWeights() {
        // z = -1 + 0.5*1 - 0.25*2 + 1*3 + 2*4 = 10 ; z = -1 + 0 = -1
        LogisticModel.Scores scores = model.score(new float[] {1, 2, 3, 4, 0, 0, 0, 0}, 2);
        assertArrayEquals(new float[] {10f, -1f}, scores.logits(), 1e-6f);
        assertArrayEquals(new float[] {(float) (1 / (1 + Math.exp(-10))), (float) (1 / (1 + Math.exp(1)))},
                scores.probabilities(), 1e-6f);
    }

    @Test
    void refusesAMatrixOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> model.score(new float[] {1, 2, 3}, 1));
    }
}
