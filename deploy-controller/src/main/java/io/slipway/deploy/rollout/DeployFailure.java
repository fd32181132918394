package io.slipway.deploy.rollout;

/** Why a deploy failed (after its rollback), with the tail of the failing container's log when there is one. */
public final class DeployFailure extends RuntimeException {

    private final String logTail;

    DeployFailure(String reason, String logTail) {
        super(reason);
        this.logTail = logTail;
    }

    /** {@code e} as a failure: itself when it is one, else a failure with its reason. */
    static DeployFailure of(RuntimeException e) {
        return e instanceof DeployFailure f ? f : new DeployFailure(reason(e), null);
    }

    /** The log tail of the container that failed, or null. */
    String logTail() {
        return logTail;
    }

    /** A readable reason for any failure: its message, else its type. */
    public static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
