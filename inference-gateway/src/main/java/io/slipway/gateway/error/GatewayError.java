package io.slipway.gateway.error;

import java.net.URI;

/**
 * Every problem the gateway reports, declared once: its type (a URI under {@link #TYPE_BASE}), title and HTTP
 * status. The detail of each answer says what was wrong with this request; the title never changes, so clients can
 * branch on {@code type} (or {@code title}) and show {@code detail} to people.
 */
public enum GatewayError {
    MALFORMED_JSON("malformed-json", "Malformed JSON", 400),
    INVALID_SUBMISSION("invalid-submission", "Invalid submission", 400),
    INVALID_INFERENCE_REQUEST("invalid-inference-request", "Invalid inference request", 400),
    INVALID_MAPPING("invalid-mapping", "Invalid mapping or input", 400),
    INVALID_JOB_ID("invalid-job-id", "Invalid job id", 400),
    INVALID_MODEL_NAME("invalid-model-name", "Invalid model name", 400),
    INVALID_MODEL_VERSION("invalid-model-version", "Invalid model version", 400),
    INVALID_QUERY("invalid-query", "Invalid query parameter", 400),
    INVALID_WEBHOOK("invalid-webhook", "Invalid webhook", 400),
    WEBHOOKS_DISABLED("webhooks-disabled", "Webhooks disabled", 400),
    WEBHOOK_HOST_NOT_ALLOWED("webhook-host-not-allowed", "Webhook host not allowed", 400),
    BAD_REQUEST("bad-request", "Bad request", 400),
    UNAUTHORIZED("unauthorized", "Unauthorized", 401),
    UNKNOWN_JOB("unknown-job", "Unknown job", 404),
    UNKNOWN_MODEL("unknown-model", "Unknown model", 404),
    NOT_FOUND("not-found", "No such resource", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
    DEPLOY_TOKEN_REJECTED("deploy-token-rejected", "Deploy token missing or rejected", 403),
    JOB_ID_TAKEN("job-id-taken", "Job id taken", 409),
    JOB_NOT_FINISHED("job-not-finished", "Job not finished", 409),
    JOB_HAS_NO_RESULT("job-has-no-result", "Job has no result", 409),
    JOB_ALREADY_FINISHED("job-already-finished", "Job already finished", 409),
    DEPLOY_REFUSED("deploy-refused", "The deploy controller refused", 409),
    BODY_TOO_LARGE("body-too-large", "Body too large", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    QUEUE_FULL("queue-full", "Queue full", 429),
    INTERNAL("internal", "Internal error", 500),
    MODEL_UNREACHABLE("model-unreachable", "Model unreachable", 502),
    SERVICE_UNAVAILABLE("service-unavailable", "A stack service did not answer", 502),
    STORE_UNAVAILABLE("store-unavailable", "Job store unavailable", 503),
    MODEL_TIMED_OUT("model-timed-out", "Model timed out", 504);

    /** The same base as deploy-controller's problem types: one namespace for slipway. */
    public static final String TYPE_BASE = "https://slipway.dev/problems/";

    private final String code;
    private final String title;
    private final int status;

    GatewayError(String code, String title, int status) {
        this.code = code;
        this.title = title;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public URI type() {
        return URI.create(TYPE_BASE + code);
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }

    /** The declared error for a status that the HTTP layer (not the gateway's code) decided on. */
    public static GatewayError forStatus(int status) {
        return switch (status) {
            case 401 -> UNAUTHORIZED;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 413 -> BODY_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 400 && status < 500 ? BAD_REQUEST : INTERNAL;
        };
    }
}
