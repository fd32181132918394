package io.slipway.mirror.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the mirror; every key can be set by environment variable, e.g. {@code MIRROR_STORAGE_ROOT}. */
@ConfigMapping(prefix = "mirror")
public interface MirrorConfig {

    Storage storage();

    interface Storage {
        /** Directory of the filesystem store (the embedded default). */
        @WithDefault("/var/lib/slipway/registry")
        String root();
    }
}
