package io.slipway.gateway.web;

import io.quarkus.qute.TemplateGlobal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Paths of webjar assets (served by Quarkus from the jar's {@code META-INF/resources/webjars}). The version comes
 * from the webjar's own Maven metadata, so the pom's version is the only one to change on an upgrade.
 */
public final class WebJars {

    /** htmx: forms and fragments of the pages without a JavaScript build. Templates: {@code {htmx}}. */
    @TemplateGlobal(name = "htmx")
    public static final String HTMX = path("org.webjars.npm", "htmx.org", "dist/htmx.min.js");

    /** uPlot: the console's time series plots. */
    @TemplateGlobal(name = "uplotJs")
    public static final String UPLOT_JS = path("org.webjars.npm", "uplot", "dist/uPlot.iife.min.js");

    @TemplateGlobal(name = "uplotCss")
    public static final String UPLOT_CSS = path("org.webjars.npm", "uplot", "dist/uPlot.min.css");

    private WebJars() {}

    static String path(String group, String artifact, String file) {
        String metadata = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = WebJars.class.getClassLoader().getResourceAsStream(metadata)) {
            if (in == null) {
                throw new IllegalStateException("webjar " + group + ":" + artifact + " is not on the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return "/webjars/" + artifact + "/" + properties.getProperty("version") + "/" + file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
