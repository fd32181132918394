package io.slipway.deploy.proxy.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Finding a color's open connections in nginx's socket tables, as the kernel prints them (amd64). */
class OpenConnectionsTest {

    /**
     * nginx (172.18.0.3) with: its listener, two requests on the old color (172.18.0.5:8000), one of them connecting,
     * one finished (TIME_WAIT), one the model closed (CLOSE_WAIT), one request on the new color (172.18.0.6:8000) and
     * one to the old color's address on another port; tcp6: one v4-mapped request on the old color and one real IPv6
     * connection.
     */
    private static final String TABLES = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
               1: 030012AC:A1B2 050012AC:1F40 01 00000000:00000000 00:00000000 00000000    33        0 2 1 0000000000000000 20 4 30 10 -1
               2: 030012AC:A1B3 050012AC:1F40 02 00000001:00000000 01:00000064 00000000    33        0 3 1 0000000000000000 20 4 30 10 -1
               3: 030012AC:A1B4 050012AC:1F40 06 00000000:00000000 03:00000ABC 00000000     0        0 0 3 0000000000000000
               4: 030012AC:A1B5 050012AC:1F40 08 00000000:00000000 00:00000000 00000000    33        0 4 1 0000000000000000 20 4 30 10 -1
               5: 030012AC:A1B6 060012AC:1F40 01 00000000:00000000 00:00000000 00000000    33        0 5 1 0000000000000000 20 4 30 10 -1
               6: 030012AC:A1B7 050012AC:0050 01 00000000:00000000 00:00000000 00000000    33        0 6 1 0000000000000000 20 4 30 10 -1
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0000000000000000FFFF0000030012AC:A1B8 0000000000000000FFFF0000050012AC:1F40 01 00000000:00000000 00:00000000 00000000    33        0 7 1 0000000000000000 20 4 30 10 -1
               1: 00000000000000000000000001000000:A1B9 00000000000000000000000001000000:1F40 01 00000000:00000000 00:00000000 00000000    33        0 8 1 0000000000000000 20 4 30 10 -1
            """;

    private static OpenConnections to(String... addresses) throws Exception {
        java.util.Set<OpenConnections.Server> servers = new java.util.HashSet<>();
        for (String a : addresses) {
            servers.add(new OpenConnections.Server(InetAddress.getByName(a), 8000));
        }
        return new OpenConnections(servers);
    }

    @Test
    void countsOnlyOpenConnectionsToTheColorsOwnAddressesAndPort() throws Exception {
        assertEquals(3, to("172.18.0.5").count(TABLES), "established, connecting and the v4-mapped one");
        assertEquals(1, to("172.18.0.6").count(TABLES));
        assertEquals(4, to("172.18.0.5", "172.18.0.6").count(TABLES));
        assertEquals(0, to("172.18.0.9").count(TABLES));
        assertEquals(0, to().count(TABLES), "no server: nothing matches");
        assertEquals(0, to("172.18.0.5").count(""));
    }

    @Test
    void writesAddressesAsTheKernelDoesLittleEndianWordsBigEndianPort() throws Exception {
        assertEquals("0500A8C0:1F40",
                new OpenConnections.Server(InetAddress.getByName("192.168.0.5"), 8000).hex());
        assertEquals(" (0000000000000000FFFF0000)?(050012AC:1F40|060012AC:1F40) 0[12] ",
                to("172.18.0.6", "172.18.0.5").pattern());
        assertEquals(Set.of(), to().servers());
    }
}
