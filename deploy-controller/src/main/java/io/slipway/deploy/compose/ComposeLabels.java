package io.slipway.deploy.compose;

/** Container labels compose and slipway put on service containers. */
public final class ComposeLabels {

    public static final String PROJECT = "com.docker.compose.project";
    public static final String SERVICE = "com.docker.compose.service";
    public static final String NUMBER = "com.docker.compose.container-number";
    /**
     * {@code True} on the colors slipway creates: compose's {@code up} never recreates, scales or removes one-off
     * containers, {@code ps} still lists them and {@code down} stops and removes them.
     */
    public static final String ONEOFF = "com.docker.compose.oneoff";
    /** What compose shows of a one-off container's name in {@code ps}. */
    public static final String SLUG = "com.docker.compose.slug";
    /** Set by slipway on the containers it creates: {@code blue} or {@code green}. */
    public static final String COLOR = "slipway.color";
    /** Set by slipway: the deploy that created the container. */
    public static final String DEPLOY = "slipway.deploy";
    /** Set in docker-compose.yml on model services: the port their server listens on. */
    public static final String MODEL_PORT = "io.slipway.model-port";

    private ComposeLabels() {}
}
