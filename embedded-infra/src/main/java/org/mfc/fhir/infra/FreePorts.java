package org.mfc.fhir.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks loopback ports that are free right now.
 *
 * <p>Kafka needs its controller port before it starts (the quorum voter entry names it), and a child process must be
 * restartable on the same ports, so "bind to 0 and ask afterwards" is not enough: the port is chosen up front. The
 * window between closing the probe socket and the server binding it is tiny, and servers bind with SO_REUSEADDR.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * Resolves each requested port: a non-zero one is kept, each {@code 0} becomes a free port on 127.0.0.1 that
     * differs from every other port of the result (the probe sockets stay open until all are chosen).
     */
    public static int[] orFree(int... requested) {
        int[] ports = requested.clone();
        List<ServerSocket> probes = new ArrayList<>();
        try {
            for (int i = 0; i < ports.length; i++) {
                while (ports[i] == 0) {
                    ServerSocket probe = bindAny();
                    probes.add(probe);
                    if (!contains(requested, probe.getLocalPort())) {
                        ports[i] = probe.getLocalPort();
                    }
                }
            }
            return ports;
        } finally {
            probes.forEach(FreePorts::closeQuietly);
        }
    }

    /** A port on 127.0.0.1 that nothing listens on at the time of the call. */
    public static int pick() {
        return orFree(0)[0];
    }

    private static ServerSocket bindAny() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    private static boolean contains(int[] ports, int port) {
        for (int candidate : ports) {
            if (candidate == port) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // a probe socket that fails to close still frees its port when collected
        }
    }
}
