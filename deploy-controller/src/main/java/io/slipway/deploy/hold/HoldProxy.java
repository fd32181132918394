package io.slipway.deploy.hold;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.proxy.Route;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Where nginx sends a service's requests while they must wait (a stop-first deploy, a paused service): nginx cannot
 * park a request, so the service's route points here ({@link #route}) and this listener parks each request until the
 * service is {@linkplain #release released} to new backends, then forwards it there (and every later one). Once nginx
 * routes to the backends itself the hold {@linkplain #end ends}; a request an older nginx worker still sends here
 * after that goes on to the same backends for {@code deploy.drain-timeout}, so ending a hold never waits for nginx.
 * A request parked longer than {@code deploy.hold.timeout} gets 503 problem+json with {@code Retry-After}; so does one
 * for a service not held.
 * nginx's route to the hold names the service in the path ({@code /hold/<svc>/...}); the rest is forwarded.
 */
@ApplicationScoped
public class HoldProxy implements RequestHold {

    /** nginx's route of a held service rewrites {@code /models/<svc>/...} to {@code /hold/<svc>/...}. */
    private static final String PREFIX = "/hold/";
    private static final Logger LOG = Logger.getLogger(HoldProxy.class);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-connection", "host", "content-length");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeployConfig config;
    private final Vertx vertx;
    private final Map<String, ServiceHold> holds = new ConcurrentHashMap<>();
    private HttpServer server;
    private HttpClient client;
    private boolean ownVertx;

    /**
     * Its own Vert.x (one event loop), not Quarkus': a second HTTP server on Quarkus' Vert.x collides with the
     * micrometer binder's HTTP server metrics (different tags for the same meter), which breaks the server's start.
     */
    @Inject
    public HoldProxy(DeployConfig config) {
        this(config, Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)));
        this.ownVertx = true;
    }

    HoldProxy(DeployConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(64));
        server = vertx.createHttpServer().requestHandler(this::arrived);
        server.listen(config.hold().port()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("hold listener on port %d", server.actualPort());
    }

    void onStop(@Observes ShutdownEvent event) {
        holds.values().forEach(h -> h.timeOutAll("the controller is stopping"));
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
        if (ownVertx) {
            vertx.close();
        }
    }

    /** The route that sends {@code service}'s requests to this listener. */
    @Override
    public Route route(String service, String deployId) {
        int port = server == null ? config.hold().port() : server.actualPort();
        return new Route(service, Route.HOLD, deployId, List.of(new Route.Backend(config.hold().host(), port)));
    }

    /** From now on requests of {@code service} that arrive here are parked. */
    @Override
    public void hold(String service) {
        current(service);
    }

    /** Forwards the parked requests of {@code service}, and every later one, to {@code backends} (in turn). */
    @Override
    public void release(String service, List<Route.Backend> backends) {
        current(service).release(backends);
    }

    /**
     * Ends the hold of {@code service} at once; returns what it held. A released hold goes on forwarding what still
     * arrives (from nginx workers that started before the route left the hold) to the released backends for
     * {@code deploy.drain-timeout}, then such requests get 503; a hold never released answers what is still parked, and
     * every later arrival, with 503.
     */
    @Override
    public RequestHold.Held end(String service) {
        ServiceHold hold = holds.get(service);
        if (hold == null || hold.ended) {
            return new RequestHold.Held(0, 0, 0, 0, 0);
        }
        hold.ended = true;
        if (!hold.released()) {
            holds.remove(service, hold);
            hold.timeOutAll("the hold of " + service + " ended before it was released");
            return hold.summary();
        }
        vertx.setTimer(Math.max(1, config.drainTimeout().toMillis()), id -> holds.remove(service, hold));
        return hold.summary();
    }

    /** How many requests of {@code service} are parked now (for tests and diagnostics). */
    int parked(String service) {
        ServiceHold hold = holds.get(service);
        return hold == null ? 0 : hold.parkedCount();
    }

    /** The running hold of {@code service}: a new one where none is, or where the last one has ended. */
    private ServiceHold current(String service) {
        return holds.compute(service, (name, hold) -> hold == null || hold.ended ? new ServiceHold(name) : hold);
    }

    private void arrived(HttpServerRequest request) {
        String path = request.path();
        int end = path.startsWith(PREFIX) ? path.indexOf('/', PREFIX.length()) : -1;
        String service = end < 0 ? null : path.substring(PREFIX.length(), end);
        ServiceHold hold = service == null ? null : holds.get(service);
        if (hold == null) {
            refuse(request, "no requests of " + (service == null ? "this service" : service) + " are held now");
            return;
        }
        long arrived = System.nanoTime();
        String uri = request.uri().substring(end);
        request.body().onSuccess(body -> hold.take(new Parked(request, uri, body, arrived)))
                .onFailure(e -> refuse(request, "cannot read the request: " + e.getMessage()));
    }

    private static void refuse(HttpServerRequest request, String detail) {
        if (request.response().ended()) {
            return;
        }
        Map<String, Object> problem = Map.of("type", "https://slipway.dev/problems/held-too-long",
                "title", "The model service is being swapped; retry shortly", "status", 503, "detail", detail);
        try {
            request.response().setStatusCode(503).putHeader("Content-Type", "application/problem+json")
                    .putHeader("Retry-After", "1").end(JSON.writeValueAsString(problem));
        } catch (Exception e) {
            request.response().setStatusCode(503).putHeader("Retry-After", "1").end();
        }
    }

    /** A request waiting for its backend: {@code uri} is what the backend is asked for. */
    private record Parked(HttpServerRequest request, String uri, Buffer body, long arrived) {}

    /** One service's hold: parked requests until released, then the backends they go to. */
    private final class ServiceHold {
        private final String service;
        private final List<Parked> parked = new ArrayList<>();
        private final List<Long> heldMillis = new ArrayList<>();
        private List<Route.Backend> backends;
        private int next;
        private int timedOut;
        /** Ended: no longer parks; still forwards late arrivals when it was released ({@link #end}). */
        private volatile boolean ended;

        ServiceHold(String service) {
            this.service = service;
        }

        void take(Parked p) {
            Route.Backend to;
            synchronized (this) {
                if (backends == null) {
                    parked.add(p);
                    long timeout = Math.max(1, config.hold().timeout().toMillis());
                    vertx.setTimer(timeout, id -> expire(p));
                    return;
                }
                to = next();
            }
            forward(p, to);
        }

        void release(List<Route.Backend> to) {
            List<Parked> waiting;
            synchronized (this) {
                backends = List.copyOf(to);
                waiting = List.copyOf(parked);
                parked.clear();
                long now = System.nanoTime();
                waiting.forEach(p -> heldMillis.add(Duration.ofNanos(now - p.arrived()).toMillis()));
            }
            for (Parked p : waiting) {
                Route.Backend backend;
                synchronized (this) {
                    backend = next();
                }
                forward(p, backend);
            }
        }

        synchronized int parkedCount() {
            return parked.size();
        }

        synchronized boolean released() {
            return backends != null;
        }

        private Route.Backend next() {
            return backends.get(next++ % backends.size());
        }

        private void expire(Parked p) {
            synchronized (this) {
                if (!parked.remove(p)) {
                    return;
                }
                timedOut++;
            }
            refuse(p.request(), "held longer than the hold timeout (" + config.hold().timeout() + ") while "
                    + service + " was swapped");
        }

        void timeOutAll(String why) {
            List<Parked> waiting;
            synchronized (this) {
                waiting = List.copyOf(parked);
                timedOut += parked.size();
                parked.clear();
            }
            waiting.forEach(p -> refuse(p.request(), why));
        }

        synchronized RequestHold.Held summary() {
            List<Long> sorted = heldMillis.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return new RequestHold.Held(0, 0, 0, 0, timedOut);
            }
            return new RequestHold.Held(sorted.size(), percentile(sorted, 50), percentile(sorted, 99),
                    sorted.get(sorted.size() - 1), timedOut);
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private void forward(Parked p, Route.Backend to) {
        HttpServerRequest in = p.request();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setHost(to.host()).setPort(to.port())
                .setURI(p.uri());
        client.request(options)
                .compose(out -> {
                    copy(in.headers(), out.headers());
                    return out.send(p.body());
                })
                .compose(answer -> answer.body().map(body -> {
                    in.response().setStatusCode(answer.statusCode());
                    copy(answer.headers(), in.response().headers());
                    in.response().end(body);
                    return body;
                }))
                .onFailure(e -> {
                    if (!in.response().ended()) {
                        refuse(in, "the released backend " + to.host() + ":" + to.port() + " did not answer: "
                                + e.getMessage());
                    }
                });
    }

    private static void copy(MultiMap from, MultiMap to) {
        from.forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                to.add(h.getKey(), h.getValue());
            }
        });
    }
}
