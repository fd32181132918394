package io.slipway.mirror.prefetch;

import io.slipway.mirror.proxy.UpstreamsResource;
import java.util.Map;

/**
 * The pull-through tests' real upstreams, with a configured prefetch list of one image that the test pushes to the
 * upstream only after the mirror started, warmed every second: the schedule must pick it up by itself.
 */
public class PrefetchUpstreams extends UpstreamsResource {

    public static final String SCHEDULED = "hub/t/scheduled:v1";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        config.put("mirror.prefetch.images", SCHEDULED);
        config.put("mirror.prefetch.interval", "1S");
        return config;
    }
}
