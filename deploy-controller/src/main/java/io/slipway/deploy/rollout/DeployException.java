package io.slipway.deploy.rollout;

/** A request the controller refuses, or a deploy that failed; the API maps it to problem+json in one place. */
public class DeployException extends RuntimeException {

    private final DeployError error;
    private final transient Object deploy;

    public DeployException(DeployError error, String detail) {
        this(error, detail, null);
    }

    public DeployException(DeployError error, String detail, Object deploy) {
        super(detail);
        this.error = error;
        this.deploy = deploy;
    }

    public DeployError error() {
        return error;
    }

    /** The deploy this error is about, when there is one (shown in the problem body). */
    public Object deploy() {
        return deploy;
    }
}
