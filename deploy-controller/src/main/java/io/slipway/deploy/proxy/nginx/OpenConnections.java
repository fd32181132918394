package io.slipway.deploy.proxy.nginx;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The TCP connections nginx has open to some servers, read from its network namespace's {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6} (the kernel's socket tables, one socket a line). nginx opens one connection per request it
 * sends to a model (and keeps idle ones only in a running worker's keepalive cache, which an old worker closes when
 * it starts shutting down), so no connection to a color's addresses means no request of nginx's on that color.
 * Counted: ESTABLISHED and SYN_SENT (a connect under way); not TIME_WAIT or the half-closed states, where nginx has
 * finished with the answer.
 */
record OpenConnections(Set<Server> servers) {

    /** One server: its IPv4 address and port. */
    record Server(InetAddress address, int port) {}

    private static final Set<String> OPEN_STATES = Set.of("01", "02");
    /** A tcp6 remote address that holds an IPv4 one (::ffff:a.b.c.d), before the IPv4 word. */
    private static final String V4_MAPPED = "0000000000000000FFFF0000";

    /** How many sockets in {@code table} (the text of /proc/net/tcp and/or tcp6) are open to one of the servers. */
    int count(String table) {
        int open = 0;
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":") || !OPEN_STATES.contains(f[3])) {
                continue;
            }
            Server remote = parse(f[2]);
            if (remote != null && servers.contains(remote)) {
                open++;
            }
        }
        return open;
    }

    /**
     * "0500A8C0:1F40" (the kernel prints each 32-bit word of the address in the host's byte order: little-endian on
     * amd64 and arm64) or its 32-digit tcp6 form; null for anything that is not IPv4.
     */
    static Server parse(String remote) {
        int colon = remote.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String hex = remote.substring(0, colon);
        if (hex.length() == 32 && hex.startsWith(V4_MAPPED)) {
            hex = hex.substring(24);
        }
        if (hex.length() != 8) {
            return null;
        }
        try {
            byte[] word = HexFormat.of().parseHex(hex);
            byte[] address = {word[3], word[2], word[1], word[0]};
            return new Server(Inet4Address.getByAddress(address), Integer.parseInt(remote.substring(colon + 1), 16));
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }
}
