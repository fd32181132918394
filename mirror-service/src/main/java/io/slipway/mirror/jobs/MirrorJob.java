package io.slipway.mirror.jobs;

import java.time.Instant;
import java.util.List;

/** A running (or queued) job: its plan and live progress. Finished jobs live on as {@link MirrorJobView} records. */
final class MirrorJob {

    final String id;
    final MirrorPlan plan;
    final String mirrorHost;
    final List<ImageProgress> images;
    private final Instant created = Instant.now();
    private volatile String state = "queued";
    private volatile Instant started;
    private volatile Instant finished;
    private volatile String error;

    MirrorJob(String id, MirrorPlan plan, String mirrorHost) {
        this.id = id;
        this.plan = plan;
        this.mirrorHost = mirrorHost;
        this.images = plan.images().stream().map(i -> new ImageProgress(i.toString())).toList();
    }

    void start() {
        started = Instant.now();
        state = "running";
    }

    void finish(String why) {
        error = why;
        finished = Instant.now();
        state = why == null ? "succeeded" : "failed";
    }

    MirrorJobView view() {
        List<MirrorJobView.Image> views = images.stream().map(ImageProgress::view).toList();
        return new MirrorJobView(id, state, created, started, finished, plan.target().describe(), views,
                views.stream().flatMap(i -> i.references().stream()).toList(), error);
    }
}
