package io.slipway.gateway.testing;

import java.util.Arrays;
import java.util.stream.Collectors;

/** OIP v2 request bodies for the sample model. */
public final class Oip {

    private Oip() {}

    /** An inference request for the given rows of 4 features, with an optional model latency. */
    public static String request(double[][] rows, long latencyMs) {
        String data = Arrays.stream(rows).map(r -> Arrays.stream(r).mapToObj(Double::toString)
                .collect(Collectors.joining(",", "[", "]"))).collect(Collectors.joining(",", "[", "]"));
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows.length + ",4],\"datatype\":\"FP32\",\"data\":"
                + data + "}]" + (latencyMs > 0 ? ",\"parameters\":{\"latency_ms\":" + latencyMs + "}" : "") + "}";
    }

    public static String job(String model, String input) {
        return "{\"model\":\"" + model + "\",\"input\":" + input + "}";
    }
}
