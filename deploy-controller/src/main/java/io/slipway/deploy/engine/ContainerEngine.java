package io.slipway.deploy.engine;

/** The container engine, reduced to the verbs deploys need. Callers never see the transport. */
public interface ContainerEngine {

    /** Engine version and API version; throws {@link EngineException} when the engine does not answer. */
    EngineInfo ping();

    record EngineInfo(String version, String apiVersion) {}
}
