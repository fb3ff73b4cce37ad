package org.mfc.fhir.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.Throttler;
import org.netcrusher.core.throttle.ThrottlerFactory;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP proxy (NetCrusher) on a loopback port in front of one server (the Kafka broker or the MongoDB wire server):
 * the services connect to {@link #port()} and a fault run degrades the link under them. Latency is added to every
 * buffer in both directions while {@link #delay(Duration)} is set; {@link #freeze()} stops all traffic and new
 * connections without closing anything; {@link #dropConnections()} closes every proxied connection at once (both
 * sides see a reset), as a stateful firewall or a load balancer restart would.
 */
final class ProxiedLink implements AutoCloseable {

    private final String name;
    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final int port;
    private final AtomicLong delayNanos;

    private ProxiedLink(String name, NioReactor reactor, TcpCrusher crusher, int port, AtomicLong delayNanos) {
        this.name = name;
        this.reactor = reactor;
        this.crusher = crusher;
        this.port = port;
        this.delayNanos = delayNanos;
    }

    /** Opens a proxy on 127.0.0.1:{@code port} to 127.0.0.1:{@code targetPort}. The target may start later. */
    static ProxiedLink open(String name, int port, int targetPort) throws IOException {
        NioReactor reactor = new NioReactor();
        AtomicLong delayNanos = new AtomicLong();
        // One throttler per connection and direction; each reads the link's current delay for every buffer.
        ThrottlerFactory delay = address -> buffer -> {
            long d = delayNanos.get();
            return d == 0 ? Throttler.NO_DELAY_NS : d;
        };
        TcpCrusher crusher = TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", port)
                .withConnectAddress("127.0.0.1", targetPort)
                .withTcpNoDelay(true)
                .withConnectionTimeoutMs(5_000)
                .withIncomingThrottlerFactory(delay)
                .withOutgoingThrottlerFactory(delay)
                .buildAndOpen();
        return new ProxiedLink(name, reactor, crusher, port, delayNanos);
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    /** Every buffer in either direction waits {@code latency} before it is passed on ({@code ZERO} heals). */
    void delay(Duration latency) {
        delayNanos.set(TimeUnit.MILLISECONDS.toNanos(latency.toMillis()));
    }

    /** No byte moves and no new connection is accepted until {@link #unfreeze()}; connections stay open. */
    void freeze() {
        crusher.freeze();
    }

    void unfreeze() {
        if (crusher.isFrozen()) {
            crusher.unfreeze();
        }
    }

    /** Closes every proxied connection now; clients must reconnect (the proxy keeps accepting). */
    void dropConnections() {
        crusher.closeAllPairs();
    }

    /** Connections currently carried, for the run log. */
    int connections() {
        return crusher.getClientAddresses().size();
    }

    /** Back to a clean link: no delay, not frozen. */
    void heal() {
        delay(Duration.ZERO);
        unfreeze();
    }

    @Override
    public void close() {
        crusher.close();
        reactor.close();
    }
}
