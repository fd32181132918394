package io.slipway.samplemodel.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Which inference requests fail on purpose ({@code sample-model.failure-rate}): request k (counted from 1) fails when
 * {@code floor(k * rate)} is greater than {@code floor((k - 1) * rate)}, so any run of n requests holds
 * {@code n * rate} failures, give or take one, and a test knows which requests fail.
 */
public final class FailureSchedule {

    private final double rate;
    private final AtomicLong requests = new AtomicLong();

    public FailureSchedule(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("sample-model.failure-rate must be between 0 and 1, got " + rate);
        }
        this.rate = rate;
    }

    public double rate() {
        return rate;
    }

    /** Counts one request; true when it is one that fails. */
    public boolean failNext() {
        if (rate == 0) {
            return false;
        }
        long k = requests.incrementAndGet();
        return (long) Math.floor(k * rate) > (long) Math.floor((k - 1) * rate);
    }
}
