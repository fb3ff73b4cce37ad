package org.mfc.fhir.core.host.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

class TokenKeysTest {

    @Test
    void givenKeyFileReplaced_whenRefreshed_thenNewContentAndListenersTold(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, "{\"keys\":[\"a\"]}");
        AtomicInteger changes = new AtomicInteger();
        try (TokenKeys keys = TokenKeys.watch(file.toString(), Duration.ZERO)) {
            keys.onChange(changes::incrementAndGet);
            TokenKeys.Snapshot first = keys.current();
            assertThat(first.content()).contains("\"a\"");

            keys.refresh();
            assertThat(keys.current()).isEqualTo(first);
            assertThat(changes).hasValue(0);

            Files.writeString(file, "{\"keys\":[\"b\"]}");
            keys.refresh();
            assertThat(keys.current().content()).contains("\"b\"");
            assertThat(keys.current().version()).isGreaterThan(first.version());
            assertThat(changes).hasValue(1);

            // A key file that disappears (a half-done rotation) leaves the last keys in force.
            Files.delete(file);
            keys.refresh();
            assertThat(keys.current().content()).contains("\"b\"");
        }
    }

    @Test
    void givenJwksEndpoint_whenItRotates_thenTheScheduleReadsTheNewSet() throws Exception {
        AtomicReference<String> served = new AtomicReference<>("{\"keys\":[\"old\"]}");
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
            assertThat(keys.current().content()).contains("old");
            served.set("{\"keys\":[\"new\"]}");
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(keys.current().content()).contains("new"));
        } finally {
            server.stop(0);
        }
    }
}
