package io.slipway.gateway.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a job stands. Only {@link #QUEUED} and {@link #RUNNING} can change. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    public static Optional<JobStatus> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }
}
