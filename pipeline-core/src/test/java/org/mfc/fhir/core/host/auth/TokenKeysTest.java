package org.mfc.fhir.core.host.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * The verification keys as operators rotate them, in a file or at a JWKS endpoint. What replaces the keys must hold a
 * key: a file caught half-written, or the wrong file, keeps the keys read before instead of making every token fail.
 */
class TokenKeysTest {

    @TempDir
    Path dir;

    private static PublicKey rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair().getPublic();
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    private static String jwks(PublicKey key) throws Exception {
        return new JsonWebKeySet(PublicJsonWebKey.Factory.newPublicJwk(key)).toJson();
    }

    @Test
    void givenKeyFileReplaced_whenRefreshed_thenNewContentAndListenersTold() throws Exception {
        Path file = dir.resolve("jwks.json");
        String a = jwks(rsa());
        String b = jwks(rsa());
        Files.writeString(file, a);
        AtomicInteger changes = new AtomicInteger();
        try (TokenKeys keys = TokenKeys.watch(file.toString(), Duration.ZERO)) {
            keys.onChange(changes::incrementAndGet);
            TokenKeys.Snapshot first = keys.current();
            assertThat(first.content()).isEqualTo(a);

            keys.refresh();
            assertThat(keys.current()).isEqualTo(first);
            assertThat(changes).hasValue(0);

            Files.writeString(file, b);
            keys.refresh();
            assertThat(keys.current().content()).isEqualTo(b);
            assertThat(keys.current().version()).isGreaterThan(first.version());
            assertThat(changes).hasValue(1);

            // A key file that disappears (a half-done rotation) leaves the last keys in force.
            Files.delete(file);
            keys.refresh();
            assertThat(keys.current().content()).isEqualTo(b);
        }
    }

    @Test
    void givenJwksEndpoint_whenItRotates_thenTheScheduleReadsTheNewSet() throws Exception {
        String old = jwks(rsa());
        String rotated = jwks(rsa());
        AtomicReference<String> served = new AtomicReference<>(old);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
        try (TokenKeys keys = TokenKeys.watch(url, Duration.ofMillis(100))) {
            assertThat(keys.current().content()).isEqualTo(old);
            served.set(rotated);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(keys.current().content()).isEqualTo(rotated));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void givenGoodKeys_whenReplacedByWhatHoldsNoKey_thenTheKeysReadBeforeStay() throws Exception {
        Path file = dir.resolve("jwt-public.pem");
        String first = pem(rsa());
        Files.writeString(file, first);
        try (TokenKeys keys = TokenKeys.watch(file.toString(), Duration.ZERO)) {
            assertThat(keys.current()).isEqualTo(new TokenKeys.Snapshot(first, 1));

            for (String broken : new String[] {"", "not a key", first.substring(0, first.length() / 2),
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "{}", "{\"keys\":[]}",
                "{\"keys\":[{\"kty\":\"RSA\"}"}) {
                Files.writeString(file, broken);
                keys.refresh();
                assertThat(keys.current()).as("after %s", broken).isEqualTo(new TokenKeys.Snapshot(first, 1));
            }

            String rotated = jwks(rsa());
            Files.writeString(file, rotated);
            keys.refresh();
            assertThat(keys.current()).isEqualTo(new TokenKeys.Snapshot(rotated, 2));
        }
    }

    @Test
    void givenEveryFormSmallRyeReads_whenChecked_thenEachHoldsAKey() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        PublicKey ecKey = ec.generateKeyPair().getPublic();

        assertThat(TokenKeys.parses(pem(rsa()))).isTrue();
        assertThat(TokenKeys.parses(pem(ecKey))).isTrue();
        assertThat(TokenKeys.parses(jwks(rsa()))).isTrue();
        assertThat(TokenKeys.parses(PublicJsonWebKey.Factory.newPublicJwk(ecKey).toJson())).isTrue();
        assertThat(TokenKeys.parses("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")).isFalse();
    }

    @Test
    void givenAFileWithoutAKeyAtStart_whenWatched_thenNoKeysUntilAGoodRead() throws Exception {
        Path file = dir.resolve("jwt-public.pem");
        Files.writeString(file, "placeholder until the secret is mounted");
        try (TokenKeys keys = TokenKeys.watch(file.toString(), Duration.ZERO)) {
            assertThat(keys.current().content()).isNull();
            String good = pem(rsa());
            Files.writeString(file, good);
            keys.refresh();
            assertThat(keys.current()).isEqualTo(new TokenKeys.Snapshot(good, 2));
        }
    }
}
