package io.slipway.deploy.rollout;

import io.slipway.deploy.model.ModelService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a canary deploy shifts traffic, from the labels of the service's definition: the percent of the traffic the new
 * color gets at each step (ascending, ending at 100), how long each step lasts and the error rate above which the
 * new color is rolled back.
 */
record CanarySteps(List<Integer> percents, Duration step, double maxErrorRate) {

    static final String DEFAULT_STEPS = "10,50,100";
    static final Duration DEFAULT_STEP = Duration.ofSeconds(10);
    static final double DEFAULT_MAX_ERROR_RATE = 0.05;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(ms|s|m)");

    CanarySteps {
        percents = List.copyOf(percents);
    }

    /** The steps the labels ask for; {@link IllegalArgumentException} naming the label when one is wrong. */
    static CanarySteps of(Map<String, String> labels) {
        String steps = labels.getOrDefault(ModelService.CANARY_STEPS, DEFAULT_STEPS).trim();
        List<Integer> percents = new ArrayList<>();
        for (String part : Arrays.stream(steps.split(",")).map(String::trim).toList()) {
            int percent;
            try {
                percent = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ModelService.CANARY_STEPS + " '" + steps
                        + "' is not a list of percents like " + DEFAULT_STEPS);
            }
            int last = percents.isEmpty() ? 0 : percents.get(percents.size() - 1);
            if (percent <= last || percent > 100) {
                throw new IllegalArgumentException(ModelService.CANARY_STEPS + " '" + steps
                        + "' must rise from 1 to at most 100 percent");
            }
            percents.add(percent);
        }
        if (percents.get(percents.size() - 1) != 100) {
            percents.add(100);
        }
        return new CanarySteps(percents, duration(labels.get(ModelService.CANARY_STEP)),
                rate(labels.get(ModelService.CANARY_MAX_ERROR_RATE)));
    }

    private static Duration duration(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_STEP;
        }
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(ModelService.CANARY_STEP + " '" + value
                    + "' is not a duration like 10s, 500ms or 2m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private static double rate(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_MAX_ERROR_RATE;
        }
        try {
            double rate = Double.parseDouble(value.trim());
            if (rate >= 0 && rate <= 1) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(ModelService.CANARY_MAX_ERROR_RATE + " '" + value
                + "' is not a share between 0 and 1, like 0.05");
    }
}
