package io.slipway.gateway.store;

/** Durable storage of jobs. Embedded (H2 file) by default. */
public interface JobStore {

    /** True when the store answers a trivial query. */
    boolean isOpen();

    /** Where the store lives, for health reports. */
    String describe();
}
