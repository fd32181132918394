package io.slipway.deploy.proxy.nginx;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The TCP connections nginx has open to some servers, as lines of its network namespace's {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6} (the kernel's socket tables, one socket a line). nginx opens one connection per request it
 * sends to a model (and keeps idle ones only in a running worker's keepalive cache, which an old worker closes when
 * it starts shutting down), so no connection to a color's addresses means no request of nginx's on that color.
 * Counted: ESTABLISHED and SYN_SENT (a connect under way); not TIME_WAIT or the half-closed states, where nginx has
 * finished with the answer. {@link #pattern} is what {@code grep -E} looks for inside nginx ({@link NginxProxy});
 * {@link #count} reads a table with the same pattern.
 */
record OpenConnections(Set<Server> servers) {

    /** One server: its IPv4 address and port. */
    record Server(InetAddress address, int port) {

        /**
         * "0500A8C0:1F40" for 192.168.0.5:8000: the kernel prints each 32-bit word of the address in the host's byte
         * order (little-endian on amd64 and arm64), the port big-endian.
         */
        String hex() {
            byte[] a = address.getAddress();
            return HexFormat.of().withUpperCase().formatHex(new byte[] {a[3], a[2], a[1], a[0]})
                    + String.format(":%04X", port);
        }
    }

    /** A tcp6 remote address that holds an IPv4 one (::ffff:a.b.c.d), before the IPv4 word. */
    private static final String V4_MAPPED = "0000000000000000FFFF0000";

    OpenConnections {
        servers = Set.copyOf(servers);
        if (servers.stream().anyMatch(s -> !(s.address() instanceof Inet4Address))) {
            throw new IllegalArgumentException("IPv4 servers only: " + servers);
        }
    }

    /**
     * An extended regular expression (POSIX ERE, the same in Java) that matches a socket-table line whose remote
     * address is one of the servers and whose state is ESTABLISHED (01) or SYN_SENT (02). Never empty: with no
     * server it matches nothing.
     */
    String pattern() {
        if (servers.isEmpty()) {
            return "^$";
        }
        return " (" + V4_MAPPED + ")?(" + servers.stream().map(Server::hex).sorted().collect(Collectors.joining("|"))
                + ") 0[12] ";
    }

    /** How many lines of {@code table} (the text of /proc/net/tcp and/or tcp6) are open connections to the servers. */
    long count(String table) {
        Pattern open = Pattern.compile(pattern());
        return table.lines().filter(line -> !line.isEmpty() && open.matcher(line).find()).count();
    }
}
