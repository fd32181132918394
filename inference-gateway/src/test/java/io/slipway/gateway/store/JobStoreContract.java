package io.slipway.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.gateway.job.ClaimedJob;
import io.slipway.gateway.job.Job;
import io.slipway.gateway.job.JobPage;
import io.slipway.gateway.job.JobQuery;
import io.slipway.gateway.job.JobStatus;
import io.slipway.gateway.job.NewJob;
import io.slipway.gateway.job.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link JobStore} must do; run against each implementation (embedded H2, PostgreSQL). */
abstract class JobStoreContract {

    static final Duration LEASE = Duration.ofSeconds(30);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    JobStore store;

    /** A fresh, empty store. */
    abstract JobStore openStore();

    abstract boolean expectExclusive();

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    static NewJob job(String id, String model) {
        return new NewJob(id, model, "{\"inputs\":[{\"name\":\"input\",\"id\":\"" + id + "\"}]}", "hash-" + id, 60_000,
                null);
    }

    @Test
    void storesAJobAndFindsItQueued() {
        JobStore.Submission submission = store.submit(job("a", "m1"), T0);
        assertTrue(submission.created());
        Job found = store.find("a").orElseThrow();
        assertEquals(JobStatus.QUEUED, found.status());
        assertEquals("m1", found.model());
        assertEquals(0, found.attempts());
        assertEquals(60_000, found.timeoutMillis());
        assertEquals(T0, found.createdAt());
        assertNull(found.startedAt());
        assertTrue(store.result("a").isEmpty());
        assertTrue(store.find("nope").isEmpty());
        assertTrue(store.isOpen());
        assertEquals(expectExclusive(), store.exclusive());
    }

    @Test
    void resubmittingAnIdReturnsTheStoredJobAndSaysWhetherItIsTheSameRequest() {
        store.submit(job("a", "m1"), T0);
        JobStore.Submission again = store.submit(job("a", "m1"), T0.plusSeconds(1));
        assertFalse(again.created());
        assertTrue(again.sameRequest());
        assertEquals(T0, again.job().createdAt());
        NewJob other = new NewJob("a", "m1", "{}", "another-hash", 1000, null);
        assertFalse(store.submit(other, T0).sameRequest());
        assertEquals(1, store.list(new JobQuery(Optional.empty(), Optional.empty(), 10, Optional.empty()))
                .jobs().size());
    }

    @Test
    void claimsDueJobsOldestFirstOnceEach() {
        for (int i = 0; i < 5; i++) {
            store.submit(job("j" + i, "m1"), T0.plusMillis(i));
        }
        store.submit(job("other", "m2"), T0);
        List<ClaimedJob> first = store.claim("m1", 3, "owner-a", T0.plusSeconds(1), LEASE);
        assertEquals(List.of("j0", "j1", "j2"), first.stream().map(ClaimedJob::id).toList());
        assertEquals(1, first.get(0).attempt());
        assertTrue(first.get(0).request().contains("\"j0\""));
        List<ClaimedJob> second = store.claim("m1", 10, "owner-b", T0.plusSeconds(1), LEASE);
        assertEquals(List.of("j3", "j4"), second.stream().map(ClaimedJob::id).toList());
        assertTrue(store.claim("m1", 10, "owner-b", T0.plusSeconds(1), LEASE).isEmpty());
        Job running = store.find("j0").orElseThrow();
        assertEquals(JobStatus.RUNNING, running.status());
        assertEquals(1, running.attempts());
        assertEquals(T0.plusSeconds(1), running.startedAt());
        assertEquals(Map.of("m2", 1L), store.queuedByModel());
    }

    @Test
    void onlyTheLeaseHolderFinishesAJob() {
        store.submit(job("a", "m1"), T0);
        ClaimedJob claimed = store.claim("m1", 1, "owner-a", T0, LEASE).get(0);
        assertEquals(0, store.requeueExpiredLeases(T0.plusSeconds(10)));
        assertEquals(1, store.requeueExpiredLeases(T0.plus(LEASE).plusSeconds(1)));
        ClaimedJob again = store.claim("m1", 1, "owner-b", T0.plus(LEASE).plusSeconds(2), LEASE).get(0);
        assertEquals(2, again.attempt());
        assertFalse(store.succeed(claimed, "{\"stale\":true}", T0.plusSeconds(40)));
        assertTrue(store.succeed(again, "{\"outputs\":[]}", T0.plusSeconds(41)));
        Job done = store.find("a").orElseThrow();
        assertEquals(JobStatus.SUCCEEDED, done.status());
        assertEquals(T0.plusSeconds(41), done.finishedAt());
        assertEquals("{\"outputs\":[]}", store.result("a").orElseThrow());
        assertFalse(store.fail(again, "late", T0.plusSeconds(42)));
    }

    @Test
    void renewedLeasesDoNotExpire() {
        store.submit(job("a", "m1"), T0);
        store.claim("m1", 1, "owner-a", T0, LEASE);
        assertEquals(1, store.renewLeases("owner-a", T0.plusSeconds(100)));
        assertEquals(0, store.renewLeases("owner-b", T0.plusSeconds(100)));
        assertEquals(0, store.requeueExpiredLeases(T0.plusSeconds(90)));
        assertEquals(1, store.requeueExpiredLeases(T0.plusSeconds(101)));
    }

    @Test
    void retriedJobsWaitUntilDueAndKeepTheirError() {
        store.submit(job("a", "m1"), T0);
        ClaimedJob claimed = store.claim("m1", 1, "owner-a", T0, LEASE).get(0);
        assertTrue(store.retryLater(claimed, "HTTP 503", T0.plusSeconds(5), T0.plusSeconds(1)));
        Job queued = store.find("a").orElseThrow();
        assertEquals(JobStatus.QUEUED, queued.status());
        assertEquals("HTTP 503", queued.error());
        assertTrue(store.claim("m1", 1, "owner-a", T0.plusSeconds(4), LEASE).isEmpty());
        ClaimedJob retry = store.claim("m1", 1, "owner-a", T0.plusSeconds(5), LEASE).get(0);
        assertEquals(2, retry.attempt());
        assertTrue(store.fail(retry, "model answered HTTP 400", T0.plusSeconds(6)));
        Job failed = store.find("a").orElseThrow();
        assertEquals(JobStatus.FAILED, failed.status());
        assertEquals("model answered HTTP 400", failed.error());
        assertTrue(store.result("a").isEmpty());
    }

    @Test
    void cancelsQueuedAndRunningJobsButNotFinishedOnes() {
        store.submit(job("running", "m1"), T0);
        store.submit(job("queued", "m1"), T0.plusSeconds(5));
        store.submit(job("done", "m2"), T0);
        ClaimedJob again = store.claim("m1", 1, "owner-a", T0.plusSeconds(1), LEASE).get(0);
        assertEquals("running", again.id());
        ClaimedJob done = store.claim("m2", 1, "owner-a", T0.plusSeconds(1), LEASE).get(0);
        store.succeed(done, "{}", T0.plusSeconds(1));

        assertEquals(JobStatus.CANCELED, store.cancel("queued", T0.plusSeconds(2)).orElseThrow().status());
        assertEquals(JobStatus.CANCELED, store.cancel(again.id(), T0.plusSeconds(2)).orElseThrow().status());
        assertFalse(store.succeed(again, "{}", T0.plusSeconds(3)), "a canceled job stays canceled");
        assertEquals(JobStatus.SUCCEEDED, store.cancel("done", T0.plusSeconds(2)).orElseThrow().status());
        assertTrue(store.cancel("unknown", T0).isEmpty());
    }

    @Test
    void releasesAnOwnersJobsWithoutCountingTheAttempt() {
        store.submit(job("a", "m1"), T0);
        store.submit(job("b", "m1"), T0.plusMillis(1));
        store.claim("m1", 1, "owner-a", T0.plusSeconds(1), LEASE);
        store.claim("m1", 1, "owner-b", T0.plusSeconds(1), LEASE);
        assertEquals(1, store.releaseOwner("owner-a", T0.plusSeconds(1)));
        Job released = store.find("a").orElseThrow();
        assertEquals(JobStatus.QUEUED, released.status());
        assertEquals(0, released.attempts());
        assertEquals(JobStatus.RUNNING, store.find("b").orElseThrow().status());
        assertEquals(1, store.requeueAllRunning(T0.plusSeconds(2)));
        assertEquals(Map.of("m1", 2L), store.queuedByModel());
    }

    @Test
    void listsNewestFirstInPagesFilteredByModelAndStatus() {
        for (int i = 0; i < 7; i++) {
            store.submit(job("p" + i, i % 2 == 0 ? "even" : "odd"), T0.plusSeconds(i));
        }
        store.succeed(store.claim("even", 1, "o", T0.plusSeconds(10), LEASE).get(0), "{}", T0.plusSeconds(11));
        List<String> seen = new ArrayList<>();
        Optional<io.slipway.gateway.job.JobCursor> cursor = Optional.empty();
        do {
            JobPage page = store.list(new JobQuery(Optional.empty(), Optional.empty(), 3, cursor));
            page.jobs().forEach(j -> seen.add(j.id()));
            cursor = page.next();
        } while (cursor.isPresent());
        assertEquals(List.of("p6", "p5", "p4", "p3", "p2", "p1", "p0"), seen);
        JobPage even = store.list(new JobQuery(Optional.of("even"), Optional.of(JobStatus.QUEUED), 10,
                Optional.empty()));
        assertEquals(List.of("p6", "p4", "p2"), even.jobs().stream().map(Job::id).toList());
        assertTrue(even.next().isEmpty());
        Map<String, Map<JobStatus, Long>> counts = store.countByModelAndStatus();
        assertEquals(3L, counts.get("even").get(JobStatus.QUEUED));
        assertEquals(1L, counts.get("even").get(JobStatus.SUCCEEDED));
        assertEquals(3L, counts.get("odd").get(JobStatus.QUEUED));
    }

    @Test
    void deletesOnlyJobsFinishedBeforeTheCutoff() {
        store.submit(job("old", "m1"), T0);
        store.submit(job("new", "m1"), T0.plusMillis(1));
        store.submit(job("waiting", "m1"), T0.plusMillis(2));
        List<ClaimedJob> claimed = store.claim("m1", 2, "o", T0.plusSeconds(1), LEASE);
        store.succeed(claimed.get(0), "{}", T0.plusSeconds(1));
        store.fail(claimed.get(1), "x", T0.plus(Duration.ofDays(7)));
        assertEquals(1, store.deleteFinishedBefore(T0.plus(Duration.ofDays(1))));
        assertTrue(store.find("old").isEmpty());
        assertTrue(store.find("new").isPresent());
        assertTrue(store.find("waiting").isPresent());
    }

    @Test
    void finishedJobsWithAWebhookAreDeliveredOnceAtATime() {
        store.submit(new NewJob("w", "m1", "{}", "h", 1000, "http://hooks.example/done"), T0);
        store.submit(job("plain", "m1"), T0.plusMillis(1));
        for (ClaimedJob claimed : store.claim("m1", 2, "o", T0.plusSeconds(1), LEASE)) {
            store.succeed(claimed, "{}", T0.plusSeconds(1));
        }
        assertEquals("pending", store.find("w").orElseThrow().webhookState());
        List<WebhookDelivery> due = store.claimWebhooks(T0.plusSeconds(2), 10, Duration.ofSeconds(60));
        assertEquals(List.of("w"), due.stream().map(d -> d.job().id()).toList());
        assertEquals(1, due.get(0).attempt());
        assertTrue(store.claimWebhooks(T0.plusSeconds(3), 10, Duration.ofSeconds(60)).isEmpty(), "held");
        assertEquals(1, store.deleteFinishedBefore(T0.plus(Duration.ofDays(30))),
                "the job without webhook goes, the pending one stays");
        assertTrue(store.find("w").isPresent());
        store.webhookRetry("w", T0.plusSeconds(10));
        assertTrue(store.claimWebhooks(T0.plusSeconds(9), 10, Duration.ofSeconds(60)).isEmpty());
        assertEquals(2, store.claimWebhooks(T0.plusSeconds(10), 10, Duration.ofSeconds(60)).get(0).attempt());
        store.webhookDelivered("w");
        assertEquals("delivered", store.find("w").orElseThrow().webhookState());
        assertTrue(store.claimWebhooks(T0.plus(Duration.ofDays(1)), 10, Duration.ofSeconds(60)).isEmpty());
    }

    @Test
    void concurrentClaimersNeverTakeTheSameJob() throws Exception {
        int jobs = 200;
        for (int i = 0; i < jobs; i++) {
            store.submit(job(String.format("c%03d", i), "m1"), T0.plusMillis(i));
        }
        Set<String> claimed = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String owner = "owner-" + w;
            workers.add(pool.submit(() -> {
                go.await();
                while (true) {
                    List<ClaimedJob> batch = store.claim("m1", 3, owner, T0.plusSeconds(1), LEASE);
                    if (batch.isEmpty() && store.queuedByModel().isEmpty()) {
                        return null;
                    }
                    for (ClaimedJob job : batch) {
                        if (!claimed.add(job.id())) {
                            synchronized (duplicates) {
                                duplicates.add(job.id());
                            }
                        }
                    }
                }
            }));
        }
        go.countDown();
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(List.of(), duplicates);
        assertEquals(jobs, claimed.size());
        assertEquals(Map.of(JobStatus.RUNNING, (long) jobs), store.countByModelAndStatus().get("m1"));
    }
}
