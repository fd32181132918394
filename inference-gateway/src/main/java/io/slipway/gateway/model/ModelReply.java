package io.slipway.gateway.model;

/** What a model service answered: HTTP status and body. */
public record ModelReply(int status, byte[] body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
