package io.slipway.gateway.error;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/** What was wrong with a JSON text, for people: the parser's message and where, without its Java internals. */
public final class JsonErrors {

    // Jackson names the source and its own feature flags inside the message: "(start marker at [Source: ...])".
    private static final Pattern SOURCE = Pattern.compile(
            "\\s*\\(start marker at \\[Source: .*?\\]\\)|\\s*\\[Source: .*?\\]");

    private JsonErrors() {}

    public static String describe(JsonProcessingException e) {
        String message = SOURCE.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("");
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? message
                : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
