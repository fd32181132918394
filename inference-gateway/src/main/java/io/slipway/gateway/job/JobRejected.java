package io.slipway.gateway.job;

import io.slipway.gateway.error.GatewayError;

/** A request the gateway refuses; carries what the client is told (as problem+json). Nothing was stored. */
public class JobRejected extends RuntimeException {

    private final GatewayError error;

    public JobRejected(GatewayError error, String detail) {
        super(detail);
        this.error = error;
    }

    public GatewayError error() {
        return error;
    }
}
