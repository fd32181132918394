package io.slipway.mirror.space;

/** Examples of the admin API's bodies, for OpenAPI. */
final class ApiExamples {

    private ApiExamples() {}

    static final String GC_REPORT = """
            {"dryRun":false,"startedAt":"2026-12-01T12:00:00Z","durationMillis":412,"gracePeriod":"PT1H",
             "manifests":120,"blobsKept":640,"blobsDeleted":35,"bytesReclaimed":1843200000,
             "deleted":["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
             "uploadsDeleted":2,"uploadBytesReclaimed":52428800,"storedBytes":48318382080}""";

    static final String SPACE = """
            {"storedBytes":48318382080,"blobs":675,"cachedBytes":40265318400,"cacheLimitBytes":53687091200,
             "pushedBytes":8053063680,"unreferencedBytes":1843200000,"uploads":1,"uploadBytes":10485760,
             "manifests":120,"evictions":12,"gcHeldBy":null,"lastGc":null}""";

    static final String DROPPED = """
            {"repository":"dockerhub/library/nginx","stored":"dockerhub/library/nginx","tag":"1.27","dropped":true}""";

    static final String PARAMETER_INVALID = """
            {"errors":[{"code":"PARAMETER_INVALID","message":"invalid request parameter",
             "detail":"grace must be a duration such as 10m, 1h or PT1H, not soon"}]}""";

    static final String UNAUTHORIZED = """
            {"errors":[{"code":"UNAUTHORIZED","message":"authentication required",
             "detail":"the admin API requires authentication"}]}""";

    static final String GC_RUNNING = """
            {"errors":[{"code":"GC_RUNNING","message":"garbage collection already running",
             "detail":"held by 4242@node-b/1f2e3d4c"}]}""";

    static final String NAME_INVALID = """
            {"errors":[{"code":"NAME_INVALID","message":"invalid repository name","detail":"invalid repository name: A"}]}""";

    static final String NAME_UNKNOWN = """
            {"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry",
             "detail":"dockerhub/library/nginx is not cached"}]}""";

    static final String NOT_A_CACHE = """
            {"errors":[{"code":"UNSUPPORTED","message":"the operation is unsupported",
             "detail":"team/model is a pushed repository, not a cache of an upstream; delete its manifests with the registry API"}]}""";
}
