package org.mfc.fhir.core.host.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The verification keys as they are now at {@code location}: a PEM or JWK(S) file ({@code /path}, {@code file:/path},
 * {@code classpath:name}) or a JWKS endpoint ({@code https://...}). Read at start and again every {@code refresh} on
 * one background thread, so a request never waits for the file system or the network. A read that fails, or finds
 * no key in what it read, keeps the keys read before (and says so); a changed content is published to the listeners.
 */
public final class TokenKeys implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TokenKeys.class);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
    /** One algorithm per key type a PEM public key can hold: RSA, EC, EdDSA. */
    private static final List<SignatureAlgorithm> KEY_FAMILIES = List.of(SignatureAlgorithm.RS256,
            SignatureAlgorithm.ES256, SignatureAlgorithm.EDDSA);

    /** One version of the key content. */
    public record Snapshot(String content, long version) {
    }

    private final String location;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService refresher;
    private final HttpClient http;
    private volatile Snapshot current;

    private TokenKeys(String location, Duration refresh) {
        this.location = location;
        this.http = isHttp(location) ? HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build() : null;
        this.current = new Snapshot(readOrNull(), 1);
        if (refresh.isZero() || refresh.isNegative()) {
            refresher = null;
        } else {
            refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "token-keys-refresh");
                t.setDaemon(true);
                return t;
            });
            refresher.scheduleWithFixedDelay(this::refresh, refresh.toMillis(), refresh.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Reads {@code location} now and every {@code refresh} ({@code 0}: never again). */
    public static TokenKeys watch(String location, Duration refresh) {
        return new TokenKeys(location, refresh);
    }

    /** The keys as last read; {@code content} is null while none could be read. */
    public Snapshot current() {
        return current;
    }

    /** Where the keys are read from, without a query string (which may carry a credential). */
    public String location() {
        return describe();
    }

    /** Called (on the refresh thread) after the key content changed. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Reads the location again; public for tests that do not want to wait for the schedule. */
    public void refresh() {
        String content = readOrNull();
        Snapshot before = current;
        if (content == null || Objects.equals(content, before.content())) {
            return;
        }
        current = new Snapshot(content, before.version() + 1);
        LOG.infof("token verification keys changed at %s (version %d)", describe(), current.version());
        listeners.forEach(Runnable::run);
    }

    private String readOrNull() {
        try {
            String content = read();
            if (!parses(content)) {
                LOG.warnf("token verification keys at %s are neither a PEM public key or certificate nor a JWK or "
                        + "JWK set; keeping the keys read before", describe());
                return null;
            }
            return content;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("token verification keys not readable at %s (%s); keeping the keys read before", describe(),
                    e.getClass().getSimpleName());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String read() throws IOException, InterruptedException {
        if (http != null) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(location))
                    .timeout(HTTP_TIMEOUT).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            return response.body();
        }
        if (location.startsWith("classpath:")) {
            String name = location.substring("classpath:".length()).replaceFirst("^/", "");
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("no resource " + name);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        String path = location.startsWith("file:") ? URI.create(location).getPath() : location;
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    }

    /**
     * Whether {@code content} holds at least one verification key in a form SmallRye JWT reads (PEM or base64 public
     * key, PEM certificate, JWK, JWK set). A file caught half-written during a rotation, or the wrong file, would
     * otherwise replace good keys and every token would be refused until the next good read.
     */
    static boolean parses(String content) {
        if (content == null || content.isBlank()) {
            return false;
        }
        String text = content.strip();
        if (text.startsWith("{")) {
            try {
                List<JsonWebKey> keys = KeyUtils.loadJsonWebKeys(text);
                return keys != null && !keys.isEmpty();
            } catch (RuntimeException e) {
                return false;
            }
        }
        if (text.contains("CERTIFICATE")) {
            try {
                return KeyUtils.decodeCertificate(text) != null;
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
        for (SignatureAlgorithm family : KEY_FAMILIES) {
            try {
                if (KeyUtils.decodePublicKey(text, family) != null) {
                    return true;
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                // Not a key of this family; the next one may read it.
            }
        }
        return false;
    }

    private static boolean isHttp(String location) {
        return location.startsWith("https://") || location.startsWith("http://");
    }

    /** The location without a query string (which may carry a credential). */
    private String describe() {
        int query = location.indexOf('?');
        return query < 0 ? location : location.substring(0, query);
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
