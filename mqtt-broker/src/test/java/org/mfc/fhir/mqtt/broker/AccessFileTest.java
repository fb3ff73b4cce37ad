package org.mfc.fhir.mqtt.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AccessFileTest {

    private static final Map<String, String> ENV = Map.of("DEVICE_PASSWORD", "s3cret");

    @Test
    void givenEnvAndHashedSecrets_whenParsed_thenPasswordsCheckedAndGrantsKept() {
        String hash = PasswordHash.hash("hashed-one".toCharArray());
        AccessFile file = AccessFile.parse(List.of(
                "# comment", "", "user device env:DEVICE_PASSWORD", "publish dusun_pub", "publish iMEDE_watch/+",
                "user reader " + hash, "  subscribe   #  "), ENV::get);

        AccessFile.Account device = file.account("device");
        assertThat(device.publish()).containsExactly("dusun_pub", "iMEDE_watch/+");
        assertThat(device.subscribe()).isEmpty();
        assertThat(device.secret().matches(bytes("s3cret"))).isTrue();
        assertThat(device.secret().matches(bytes("s3cret "))).isFalse();
        AccessFile.Account reader = file.account("reader");
        assertThat(reader.subscribe()).containsExactly("#");
        assertThat(reader.secret().matches(bytes("hashed-one"))).isTrue();
        assertThat(reader.secret().matches(bytes("hashed-two"))).isFalse();
        assertThat(file.account("nobody")).isNull();
    }

    @Test
    void givenUnsetVariable_whenParsed_thenRefusedNamingTheLine() {
        assertThatThrownBy(() -> AccessFile.parse(List.of("user a env:MISSING"), ENV::get))
                .hasMessageContaining("line 1").hasMessageContaining("MISSING");
    }

    @Test
    void givenMalformedFile_whenParsed_thenEachMistakeNamed() {
        assertThatThrownBy(() -> AccessFile.parse(List.of("publish x"), ENV::get))
                .hasMessageContaining("before any 'user'");
        assertThatThrownBy(() -> AccessFile.parse(List.of("user a plaintext"), ENV::get))
                .hasMessageContaining("neither env:VARIABLE nor");
        assertThatThrownBy(() -> AccessFile.parse(List.of("user a env:DEVICE_PASSWORD", "user a env:DEVICE_PASSWORD"),
                ENV::get)).hasMessageContaining("defined twice");
        assertThatThrownBy(() -> AccessFile.parse(List.of("user a env:DEVICE_PASSWORD", "read x"), ENV::get))
                .hasMessageContaining("line 2").hasMessageContaining("unknown keyword");
    }

    @Test
    void givenShippedAccessFile_whenParsed_thenDevicesOnlyPublishAndIngestOnlySubscribes() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("config", "access.conf"));
        AccessFile file = AccessFile.parse(lines, name -> "x");

        for (String device : List.of("ava4", "kati", "qube-vital")) {
            assertThat(file.account(device).subscribe()).as(device).isEmpty();
            assertThat(file.account(device).publish()).as(device).isNotEmpty();
        }
        assertThat(file.account("ava4").publish()).contains("dusun_pub", "ESP32_BLE_GW_TX");
        assertThat(file.account("kati").publish()).containsExactly("iMEDE_watch/+");
        assertThat(file.account("qube-vital").publish()).containsExactly("CM4_BLE_GW_TX");
        assertThat(file.account("ingest").publish()).isEmpty();
        assertThat(file.account("ingest").subscribe()).contains("dusun_pub", "ESP32_BLE_GW_TX", "iMEDE_watch/#",
                "CM4_BLE_GW_TX");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
