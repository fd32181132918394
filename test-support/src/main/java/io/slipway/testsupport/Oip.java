package io.slipway.testsupport;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Open Inference Protocol v2 fixtures for slipway's sample model (one FP32 input {@code input} of shape [N,4]), and
 * what that model must answer, computed here independently of it.
 */
public final class Oip {

    /** One row, [1,2,3,4]. */
    public static final String ONE_ROW = request(new double[][] {{1, 2, 3, 4}}, 0);

    private static final Pattern VERSION = Pattern.compile("\"model_version\"\\s*:\\s*\"([^\"]*)\"");

    private Oip() {}

    /** An inference request for {@code rows} of 4 features; {@code latencyMs} &gt; 0 asks the model to take that long. */
    public static String request(double[][] rows, long latencyMs) {
        String data = Arrays.stream(rows).map(r -> Arrays.stream(r).mapToObj(Double::toString)
                .collect(Collectors.joining(",", "[", "]"))).collect(Collectors.joining(",", "[", "]"));
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows.length + ",4],\"datatype\":\"FP32\",\"data\":"
                + data + "}]" + (latencyMs > 0 ? ",\"parameters\":{\"latency_ms\":" + latencyMs + "}" : "") + "}";
    }

    /** {@link #ONE_ROW}, answered after {@code latencyMs}. */
    public static String request(long latencyMs) {
        return request(new double[][] {{1, 2, 3, 4}}, latencyMs);
    }

    /** A gateway job submission: {@code {"model": model, "input": <OIP request>}}. */
    public static String job(String model, String input) {
        return "{\"model\":\"" + model + "\",\"input\":" + input + "}";
    }

    /** The sample model's logit: 0.5*x0 - 0.25*x1 + 1.0*x2 + 2.0*x3 - 1. */
    public static double logit(double x0, double x1, double x2, double x3) {
        return 0.5 * x0 - 0.25 * x1 + 1.0 * x2 + 2.0 * x3 - 1;
    }

    /** The sample model's probability: sigmoid of {@link #logit}. */
    public static double probability(double x0, double x1, double x2, double x3) {
        return 1 / (1 + Math.exp(-logit(x0, x1, x2, x3)));
    }

    /** {@code model_version} of an OIP inference response, or {@code "?"} when it has none. */
    public static String modelVersion(String response) {
        Matcher m = VERSION.matcher(response);
        return m.find() ? m.group(1) : "?";
    }
}
