package io.slipway.deploy.rollout;

/** Every error the API reports, declared once: code (the problem type), title and HTTP status. */
public enum DeployError {
    BAD_REQUEST("bad-request", "Malformed request", 400),
    UNAUTHORIZED("unauthorized", "Missing or wrong bearer token", 401),
    NOT_FOUND("not-found", "No such resource", 404),
    DEPLOY_RUNNING("deploy-running", "A deploy of this service is already running", 409),
    NOTHING_TO_ROLL_BACK("nothing-to-roll-back", "No previous version to roll back to", 409),
    SERVICE_PAUSED("service-paused", "The service's traffic is paused; resume it first", 409),
    NOT_PAUSED("not-paused", "The service's traffic is not paused", 409),
    INVALID_DEPLOY("invalid-deploy", "Invalid deploy request", 422),
    DEPLOY_FAILED("deploy-failed", "Deploy failed; the previous version keeps serving", 502),
    UNAVAILABLE("unavailable", "The controller cannot deploy right now", 503);

    private final String code;
    private final String title;
    private final int status;

    DeployError(String code, String title, int status) {
        this.code = code;
        this.title = title;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }

    public DeployException because(String detail) {
        return new DeployException(this, detail);
    }
}
