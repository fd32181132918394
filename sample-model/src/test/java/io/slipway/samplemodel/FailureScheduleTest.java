package io.slipway.samplemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.slipway.samplemodel.model.FailureSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureScheduleTest {

    @Test
    void failsTheConfiguredShareInAFixedPattern() {
        FailureSchedule schedule = new FailureSchedule(0.3);
        List<Integer> failed = new ArrayList<>();
        for (int k = 1; k <= 20; k++) {
            if (schedule.failNext()) {
                failed.add(k);
            }
        }
        assertEquals(List.of(4, 7, 10, 14, 17, 20), failed);
    }

    @Test
    void zeroFailsNoneAndOneFailsAll() {
        FailureSchedule none = new FailureSchedule(0);
        FailureSchedule all = new FailureSchedule(1);
        for (int k = 0; k < 50; k++) {
            assertEquals(false, none.failNext());
            assertEquals(true, all.failNext());
        }
    }

    @Test
    void refusesARateOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new FailureSchedule(1.5));
        assertThrows(IllegalArgumentException.class, () -> new FailureSchedule(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new FailureSchedule(Double.NaN));
    }
}
