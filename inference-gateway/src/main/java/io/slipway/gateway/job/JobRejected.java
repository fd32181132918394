package io.slipway.gateway.job;

/** A request the gateway refuses; carries what the client is told (as problem+json). Nothing was stored. */
public class JobRejected extends RuntimeException {

    private final int status;
    private final String title;

    public JobRejected(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public static JobRejected badRequest(String title, String detail) {
        return new JobRejected(400, title, detail);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
