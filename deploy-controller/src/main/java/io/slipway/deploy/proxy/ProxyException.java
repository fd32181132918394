package io.slipway.deploy.proxy;

/** The proxy refused or failed to apply a route; its previous configuration is still live. */
public class ProxyException extends RuntimeException {

    public ProxyException(String message, Throwable cause) {
        super(message, cause);
    }
}
