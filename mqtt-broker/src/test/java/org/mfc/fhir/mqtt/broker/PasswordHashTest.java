package org.mfc.fhir.mqtt.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void givenPasswordsOfAnyLengthAndScript_whenHashed_thenOnlyTheSamePasswordMatches() {
        // Short and long, ASCII and not: 64 bytes and more once encoded is where a key stops being zero-padded.
        for (String password : List.of("s3cret", "x".repeat(100), "pässwörd-".repeat(5), "密码".repeat(15))) {
            String hash = PasswordHash.hash(password.toCharArray());
            assertThat(PasswordHash.isWellFormed(hash)).isTrue();
            assertThat(PasswordHash.verify(hash, password.getBytes(StandardCharsets.UTF_8))).as(password).isTrue();
            assertThat(PasswordHash.verify(hash, (password + "x").getBytes(StandardCharsets.UTF_8))).isFalse();
        }
    }

    @Test
    void givenPasswordOnStandardInput_whenRunFromTheShell_thenPrintsItsHash() throws Exception {
        InputStream in = System.in;
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream("pässwörd\n".getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            PasswordHash.main(new String[0]);
        } finally {
            System.setIn(in);
            System.setOut(out);
        }
        String hash = printed.toString(StandardCharsets.UTF_8).strip();
        assertThat(hash).startsWith(PasswordHash.SCHEME + "$");
        assertThat(PasswordHash.verify(hash, "pässwörd".getBytes(StandardCharsets.UTF_8))).isTrue();
    }
}
