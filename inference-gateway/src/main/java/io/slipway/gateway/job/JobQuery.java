package io.slipway.gateway.job;

import java.util.Optional;

/** A page of jobs, newest first; {@code after} is the cursor the previous page returned. */
public record JobQuery(Optional<String> model, Optional<JobStatus> status, int limit, Optional<JobCursor> after) {}
