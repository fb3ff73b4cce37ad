package org.mfc.fhir.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Open-loop HTTP load: requests leave at a constant arrival rate whatever the server does, and each latency is
 * measured from the request's INTENDED send time, so a stalled server shows up as latency instead of silently
 * lowering the load (no coordinated omission). Latencies go to an HdrHistogram in microseconds.
 */
public final class OpenLoopGenerator implements AutoCloseable {

    /** One request to send: method, path, headers and body (null for none). */
    public record Request(String path, Map<String, String> headers, Buffer body, HttpMethod method) {

        /** A POST. */
        public Request(String path, Map<String, String> headers, Buffer body) {
            this(path, headers, body, HttpMethod.POST);
        }

        public static Request get(String path, Map<String, String> headers) {
            return new Request(path, headers, null, HttpMethod.GET);
        }
    }

    /**
     * What one constant-rate step measured.
     *
     * @param statuses   HTTP status code to count
     * @param failures   transport errors and timeouts (no HTTP answer)
     * @param failureCauses the failures by cause (exception class and message), so a report can say what they were
     * @param latencyUs  latency from intended send time to full response, microseconds
     */
    public record StepResult(int targetRate, double achievedRate, long sent, Map<Integer, Long> statuses,
            long failures, Map<String, Long> failureCauses, Histogram latencyUs, Duration elapsed) {

        public long count2xx() {
            return statuses.entrySet().stream().filter(e -> e.getKey() / 100 == 2).mapToLong(Map.Entry::getValue)
                    .sum();
        }

        public long errors() {
            return sent - count2xx();
        }
    }

    /** Told the outcome of every request: its index, the HTTP status (-1 when there was no answer) and body. */
    @FunctionalInterface
    public interface Listener {
        void completed(long index, int status, String body);
    }

    /** As {@link Listener}, also told the request's latency from its intended send time, in microseconds. */
    @FunctionalInterface
    public interface TimedListener {
        void completed(long index, int status, String body, long latencyUs);
    }

    private static final long MAX_LATENCY_US = TimeUnit.SECONDS.toMicros(120);

    private final Vertx vertx;
    private final HttpClient client;
    private final Context context;
    private final String host;
    private final int port;
    private final Duration requestTimeout;

    public OpenLoopGenerator(String host, int port, int maxConnections, Duration requestTimeout) {
        this.host = host;
        this.port = port;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                .setTcpNoDelay(true).setConnectTimeout(5_000)
                .setIdleTimeout((int) Math.max(1, requestTimeout.toSeconds() * 2)),
                new PoolOptions().setHttp1MaxSize(maxConnections));
        this.requestTimeout = requestTimeout;
        this.context = vertx.getOrCreateContext();
    }

    /** Sends {@code rate} requests per second for {@code duration}, then waits for the stragglers. */
    public StepResult run(int rate, Duration duration, LongFunction<Request> requests) throws InterruptedException {
        return run(rate, duration, requests, (i, status, body) -> {
        });
    }

    /** As {@link #run(int, Duration, LongFunction)}, telling {@code listener} the outcome of each request. */
    public StepResult run(int rate, Duration duration, LongFunction<Request> requests, Listener listener)
            throws InterruptedException {
        return run(rate, duration, requests, (TimedListener) (i, status, body, latencyUs) -> listener.completed(i,
                status, body));
    }

    /** As {@link #run(int, Duration, LongFunction, Listener)}, telling {@code listener} each latency as well. */
    public StepResult run(int rate, Duration duration, LongFunction<Request> requests, TimedListener listener)
            throws InterruptedException {
        long total = Math.max(1, rate * duration.toSeconds());
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        Recorder recorder = new Recorder(MAX_LATENCY_US, 3);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        Map<String, LongAdder> causes = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch((int) total);
        AtomicLong lastSend = new AtomicLong();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        for (long n = 0; n < total; n++) {
            final long i = n;
            long intended = start + i * intervalNanos;
            long now;
            while ((now = System.nanoTime()) < intended) {
                LockSupport.parkNanos(intended - now);
            }
            Request r = requests.apply(i);
            RequestOptions options = new RequestOptions().setMethod(r.method()).setHost(host).setPort(port)
                    .setURI(r.path()).setTimeout(requestTimeout.toMillis());
            r.headers().forEach(options::addHeader);
            // Issued on the client's event loop: a response's body handler must be set in the tick the response
            // arrives, or a short body can end before anyone listens and the request never completes.
            context.runOnContext(v -> client.request(options)
                    .compose(req -> r.body() == null ? req.send() : req.send(r.body()))
                    .compose(resp -> resp.body().map(b -> Map.entry(resp.statusCode(), b.toString())))
                    .onComplete(ar -> {
                        long latencyUs = Math.min(MAX_LATENCY_US, (System.nanoTime() - intended) / 1_000);
                        try {
                            if (ar.succeeded()) {
                                recorder.recordValue(latencyUs);
                                statuses.computeIfAbsent(ar.result().getKey(), k -> new LongAdder()).increment();
                                listener.completed(i, ar.result().getKey(), ar.result().getValue(), latencyUs);
                            } else {
                                failures.increment();
                                causes.computeIfAbsent(cause(ar.cause()), k -> new LongAdder()).increment();
                                listener.completed(i, -1, null, latencyUs);
                            }
                        } finally {
                            done.countDown();
                        }
                    }));
            lastSend.set(System.nanoTime());
        }
        long sendEnd = lastSend.get();
        done.await(duration.toSeconds() + requestTimeout.toSeconds() + 30, TimeUnit.SECONDS);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        statuses.forEach((k, v) -> counts.put(k, v.sum()));
        long unanswered = done.getCount();
        Map<String, Long> failureCauses = new java.util.TreeMap<>();
        causes.forEach((k, v) -> failureCauses.put(k, v.sum()));
        if (unanswered > 0) {
            failureCauses.put("unanswered at the end of the step", unanswered);
        }
        double achieved = total / ((sendEnd - start) / 1e9);
        return new StepResult(rate, achieved, total, counts, failures.sum() + unanswered, failureCauses,
                recorder.getIntervalHistogram(), elapsed);
    }

    private static String cause(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        String message = t.getMessage() == null ? "" : ": " + t.getMessage().replaceAll("[0-9]+", "N");
        return t.getClass().getSimpleName() + (message.length() > 80 ? message.substring(0, 80) : message);
    }

    @Override
    public void close() {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
