package io.slipway.gateway.model;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * The two verbs the gateway needs from a model service (Open Inference Protocol v2 behind nginx), addressed by OIP
 * model name: the client finds the service that serves it. Fails with
 * {@link ModelUnreachable} when there is no HTTP answer; any HTTP answer, error or not, is a {@link ModelReply}.
 */
public interface ModelClient {

    /** {@code POST /v2/models/{model}/infer} with a JSON body. */
    default Uni<ModelReply> infer(String model, byte[] body, Duration timeout) {
        return post(model, "/infer", body, timeout);
    }

    /** {@code POST /v2/models/{model}{suffix}} with a JSON body, e.g. suffix {@code /versions/2/infer}. */
    Uni<ModelReply> post(String model, String suffix, byte[] body, Duration timeout);

    /** {@code GET /v2/models/{model}{suffix}}, e.g. suffix {@code /ready} or {@code ""} for metadata. */
    Uni<ModelReply> get(String model, String suffix, Duration timeout);
}
