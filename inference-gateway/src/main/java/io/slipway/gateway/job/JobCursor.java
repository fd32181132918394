package io.slipway.gateway.job;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Position in the newest-first job list: the creation time and id of the last job of a page. */
public record JobCursor(long createdAtMillis, String id) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((createdAtMillis + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static Optional<JobCursor> decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            if (colon < 1) {
                return Optional.empty();
            }
            return Optional.of(new JobCursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
