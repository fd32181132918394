package io.slipway.gateway.job;

import java.util.List;
import java.util.Optional;

public record JobPage(List<Job> jobs, Optional<JobCursor> next) {}
