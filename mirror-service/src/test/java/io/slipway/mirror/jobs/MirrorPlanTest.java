package io.slipway.mirror.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.upstream.UpstreamNotFoundException;
import io.slipway.mirror.upstream.UpstreamRateLimitedException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a mirror job request means, checked without a registry: names as Docker reads them, targets, retries. */
class MirrorPlanTest {

    @Test
    void referencesAreReadAsDockerReadsThem() {
        ImageName hub = ImageName.parse("nginx");
        assertEquals("docker.io/library/nginx:latest", hub.toString());
        assertEquals("docker.io/acme/model:2", ImageName.parse("index.docker.io/acme/model:2").toString());
        ImageName local = ImageName.parse("127.0.0.1:5000/models/x@sha256:" + "a".repeat(64));
        assertEquals("127.0.0.1:5000", local.registry());
        assertEquals("models/x", local.repository().value());
        assertEquals("sha256:" + "a".repeat(64), local.pullReference());
        assertEquals(List.of(), local.tags(List.of()));
        ImageName both = ImageName.parse("nvcr.io/nvidia/triton:24.05@sha256:" + "b".repeat(64));
        assertEquals("sha256:" + "b".repeat(64), both.pullReference(), "a digest pins the content");
        assertEquals(List.of("24.05", "prod"), both.tags(List.of("prod", "24.05")));
        assertEquals("localhost", ImageName.parse("localhost/x:1").registry());
    }

    @Test
    void badReferencesAreRefusedWithTheirOciCode() {
        assertEquals(ErrorCode.NAME_INVALID, code(() -> ImageName.parse("Acme/Model")));
        assertEquals(ErrorCode.TAG_INVALID, code(() -> ImageName.parse("acme/model:-x")));
        assertEquals(ErrorCode.MIRROR_JOB_INVALID, code(() -> ImageName.parse("acme/model@sha256:zz")));
        assertEquals(ErrorCode.MIRROR_JOB_INVALID, code(() -> ImageName.parse(" ")));
        assertEquals(ErrorCode.MIRROR_JOB_INVALID, code(() -> Platform.parse("amd64")));
    }

    @Test
    void targetsRewriteRepositoriesUnderTheirPrefix() {
        MirrorPlan plan = new MirrorJobRequest(List.of("python:3.12"), List.of("prod"), List.of("linux/arm64/v8"),
                new MirrorJobRequest.Destination("registry", "http://reg.example:5000/team/ml/", null, "u", "p",
                        null, null)).plan();
        MirrorTarget t = plan.target();
        assertEquals("reg.example:5000", t.host());
        assertEquals("http", t.scheme());
        assertEquals("team/ml/library/python", t.repository(plan.images().get(0)));
        assertEquals("registry http://reg.example:5000/team/ml", t.describe());
        assertEquals("linux/arm64/v8", plan.platforms().get(0).toString());
        MirrorTarget ecr = new MirrorJobRequest(List.of("x"), null, null, new MirrorJobRequest.Destination("ecr",
                null, "models", null, null, "123456789012", "eu-west-1")).plan().target();
        assertEquals("ecr 123456789012/eu-west-1/models", ecr.describe());
        assertEquals(ErrorCode.MIRROR_JOB_INVALID, code(() -> new MirrorJobRequest(List.of("x"), null, null,
                new MirrorJobRequest.Destination("ftp", null, null, null, null, null, null)).plan()));
        assertEquals(ErrorCode.MIRROR_JOB_INVALID, code(() -> new MirrorJobRequest(List.of("x"), null, null,
                new MirrorJobRequest.Destination("registry", "bad host!", null, null, null, null, null)).plan()));
    }

    @Test
    void transientFailuresAreRetriedABoundedNumberOfTimesOthersFailAtOnce() throws IOException {
        Retry retry = new Retry(3, Duration.ofMillis(1));
        AtomicInteger tries = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        assertEquals("ok", retry.run(() -> {
            if (tries.incrementAndGet() < 3) {
                throw new UpstreamRateLimitedException("429");
            }
            return "ok";
        }, retried::incrementAndGet));
        assertEquals(2, retried.get());

        tries.set(0);
        assertThrows(DestinationException.class, () -> retry.run(() -> {
            tries.incrementAndGet();
            throw new DestinationException("503", true, null);
        }, () -> { }));
        assertEquals(3, tries.get(), "at most `attempts` tries");

        tries.set(0);
        assertThrows(UpstreamNotFoundException.class, () -> retry.run(() -> {
            tries.incrementAndGet();
            throw new UpstreamNotFoundException("no such image");
        }, () -> { }));
        assertEquals(1, tries.get(), "a missing image is not retried");
        tries.set(0);
        assertThrows(DestinationException.class, () -> retry.run(() -> {
            tries.incrementAndGet();
            throw new DestinationException("credentials refused", false, null);
        }, () -> { }));
        assertEquals(1, tries.get());
    }

    private static ErrorCode code(Runnable r) {
        RegistryException e = assertThrows(RegistryException.class, r::run);
        assertTrue(e.detail() != null, "a refusal says what was wrong");
        return e.code();
    }
}
