package io.slipway.deploy.proxy.nginx;

import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.ContainerEngine.ExecResult;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.proxy.ModelProxy;
import io.slipway.deploy.proxy.ProxyException;
import io.slipway.deploy.proxy.Route;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@link ModelProxy} on slipway's nginx: writes the service's upstream and route files into the directory shared with
 * nginx (that needs no running nginx: it renders them when it starts) and runs nginx's {@code slipway-apply}, which
 * renders them into {@code live/}, checks them with {@code nginx -t} and reloads nginx's switch tier (only that tier
 * reloads, so client keep-alive connections to the front tier survive; see nginx/nginx.conf and slipway-apply.sh).
 */
@ApplicationScoped
public class NginxProxy implements ModelProxy {

    private static final Logger LOG = Logger.getLogger(NginxProxy.class);

    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN_POLL = Duration.ofMillis(300);
    /**
     * A color's drain, run inside nginx (one exec, however long it waits): reads nginx's socket tables every 50 ms
     * until no line matches $1 ({@link OpenConnections#pattern}) twice in a row (an old worker may hold a request it
     * has read but not yet sent on, a connect microseconds away, never for a whole poll), or $2 seconds have
     * passed (whole seconds: {@code date +%s} is all a busybox-based nginx image has). Exits 0 when drained, 1 at
     * the deadline.
     */
    private static final String AWAIT_NO_CONNECTION = """
            end=$(( $(date +%s) + $2 )); quiet=0
            while :; do
              if grep -qE -- "$1" /proc/net/tcp /proc/net/tcp6 2>/dev/null; then quiet=0; else quiet=$((quiet + 1)); fi
              [ "$quiet" -ge 2 ] && exit 0
              [ "$(date +%s)" -lt "$end" ] || exit 1
              sleep 0.05
            done
            """;
    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3}(?:\\.\\d{1,3}){3})\\s", Pattern.MULTILINE);
    /** nginx's render + test + reload script (nginx/slipway-apply.sh). */
    private static final String APPLY = "slipway-apply";
    /** Its exit code when the servers of the required service do not resolve (nothing changed). */
    private static final int UNRESOLVED = 3;
    /**
     * Old nginx workers rename themselves to "nginx: worker process is shutting down" until their requests end. The
     * pattern is written "[d]own" so that it does not match this grep's own command line.
     */
    private static final List<String> LIST_OLD_WORKERS =
            List.of("sh", "-c", "grep -ls 'shutting [d]own' /proc/[0-9]*/cmdline || true");

    private final DeployConfig.Nginx config;
    private final ContainerEngine engine;
    private final ComposeProject project;
    private final NginxFiles files;

    public NginxProxy(DeployConfig config, ContainerEngine engine, ComposeProject project) {
        this.config = config.nginx();
        this.engine = engine;
        this.project = project;
        this.files = new NginxFiles(Path.of(config.nginx().configDir()));
    }

    @Override
    public Optional<Route> current(String service) {
        try {
            return files.read(service);
        } catch (IOException e) {
            throw new ProxyException("cannot read the nginx files of " + service + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void apply(Route route) {
        String nginx = container();
        NginxFiles.Snapshot previous;
        try {
            previous = files.snapshot(route.service());
            files.write(route);
        } catch (IOException e) {
            throw new ProxyException("cannot write the nginx files of " + route.service() + ": " + e.getMessage(), e);
        }
        ExecResult applied;
        try {
            applied = run(nginx, List.of(APPLY, "--require", route.service()));
        } catch (ProxyException e) {
            // nginx went away: its files must still say what it runs (the reconciler re-applies later).
            restore(previous);
            throw e;
        }
        if (applied.exitCode() != 0) {
            restore(previous);
            run(nginx, List.of(APPLY));
            throw new ProxyException(applied.exitCode() == UNRESOLVED
                    ? "nginx cannot resolve the servers of " + route.backends() + "; it keeps the previous route"
                    : "nginx -t rejected the new config: " + applied.output().strip(), null);
        }
    }

    @Override
    public void write(Route route) {
        try {
            files.write(route);
        } catch (IOException e) {
            throw new ProxyException("cannot write the nginx files of " + route.service() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean live(String service) {
        try {
            return files.isLive(service);
        } catch (IOException e) {
            throw new ProxyException("cannot read the nginx files of " + service + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean reachable() {
        try {
            container();
            return true;
        } catch (ProxyException e) {
            return false;
        }
    }

    /** Waits until nginx's old workers (started before the last reload) have exited, at most {@code timeout}. */
    private boolean awaitOldWorkers(Duration timeout) {
        String nginx = container();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (run(nginx, LIST_OLD_WORKERS).output().isBlank()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(DRAIN_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Waits inside nginx ({@link #AWAIT_NO_CONNECTION}) until it has no connection to {@code backends}' addresses
     * ({@link OpenConnections}, resolved once in nginx). When none of their names resolves there, falls back to waiting
     * for nginx's old workers to exit.
     */
    @Override
    public boolean awaitDrained(List<Route.Backend> backends, Duration timeout) {
        String nginx = container();
        OpenConnections open = resolve(nginx, backends);
        if (open.servers().isEmpty()) {
            LOG.infof("none of %s resolves in nginx; waiting for its old workers instead", backends);
            return awaitOldWorkers(timeout);
        }
        ExecResult waited;
        try {
            waited = engine.exec(nginx, List.of("sh", "-c", AWAIT_NO_CONNECTION, "drain", open.pattern(),
                    String.valueOf(Math.max(1, (timeout.toMillis() + 999) / 1000))), timeout.plus(EXEC_TIMEOUT));
        } catch (EngineException e) {
            throw new ProxyException("cannot watch nginx's connections to " + backends + ": " + e.getMessage(), e);
        }
        if (waited.exitCode() > 1) {
            throw new ProxyException("cannot watch nginx's connections to " + backends + ": exit "
                    + waited.exitCode() + " " + waited.output().strip(), null);
        }
        return waited.exitCode() == 0;
    }

    private OpenConnections resolve(String nginx, List<Route.Backend> backends) {
        Set<OpenConnections.Server> servers = new HashSet<>();
        for (Route.Backend b : backends) {
            // Every IPv4 address nginx may reach the name at (on every network it shares with the container).
            Matcher address = IPV4.matcher(run(nginx, List.of("getent", "ahostsv4", b.host())).output());
            while (address.find()) {
                try {
                    servers.add(new OpenConnections.Server(InetAddress.getByName(address.group(1)), b.port()));
                } catch (UnknownHostException e) {
                    // not a literal after all: skip it
                }
            }
        }
        return new OpenConnections(servers);
    }

    private void restore(NginxFiles.Snapshot previous) {
        try {
            files.restore(previous);
        } catch (IOException e) {
            throw new ProxyException("nginx rejected the new config and the previous files could not be restored: "
                    + e.getMessage(), e);
        }
    }

    private ExecResult run(String nginx, List<String> command) {
        try {
            return engine.exec(nginx, command, EXEC_TIMEOUT);
        } catch (EngineException e) {
            throw new ProxyException("cannot run '" + String.join(" ", command) + "' in nginx: " + e.getMessage(), e);
        }
    }

    /** The running nginx container: the configured one, else the project's nginx service container. */
    private String container() {
        if (config.container().isPresent() && !config.container().get().isBlank()) {
            return config.container().get();
        }
        try {
            return project.containers(config.service()).stream().filter(ContainerInfo::running)
                    .map(ContainerInfo::id).findFirst()
                    .orElseThrow(() -> new ProxyException("no running nginx container (compose service '"
                            + config.service() + "' of project " + project.name() + ")", null));
        } catch (EngineException | IllegalStateException e) {
            throw new ProxyException("cannot find the nginx container: " + e.getMessage(), e);
        }
    }
}
