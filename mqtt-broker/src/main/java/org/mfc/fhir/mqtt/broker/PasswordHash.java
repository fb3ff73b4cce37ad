package org.mfc.fhir.mqtt.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Stored MQTT passwords: {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}, so the access file can be
 * committed and shared without the passwords themselves. The JDK's PBKDF2 is used: nothing to add for a few lines.
 *
 * <p>From a shell ({@code scripts/mqtt-passwd.sh} wraps it): reads one password from standard input, prints its hash.
 */
public final class PasswordHash {

    static final String SCHEME = "pbkdf2-sha256";
    /** A connect costs one derivation per user until it succeeds once (then {@link AccessControl} remembers it). */
    static final int DEFAULT_ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    public static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, DEFAULT_ITERATIONS);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + DEFAULT_ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Whether {@code password} matches {@code encoded}; false for any malformed encoding. */
    public static boolean verify(String encoded, byte[] password) {
        String[] parts = encoded.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            // Exactly the decoded characters: the decoder's backing array is longer than its content (trailing
            // NULs), which HMAC's zero padding hid only for keys under 64 bytes.
            CharBuffer decoded = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(password));
            char[] chars = new char[decoded.remaining()];
            decoded.get(chars);
            if (decoded.hasArray()) {
                Arrays.fill(decoded.array(), '\0');
            }
            try {
                return MessageDigest.isEqual(expected, derive(chars, salt, iterations));
            } finally {
                Arrays.fill(chars, '\0');
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code encoded} has the shape of a stored password (checked when the access file is loaded). */
    static boolean isWellFormed(String encoded) {
        String[] parts = encoded.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            return Integer.parseInt(parts[1]) >= 1_000 && Base64.getDecoder().decode(parts[2]).length >= 8
                    && Base64.getDecoder().decode(parts[3]).length == HASH_BITS / 8;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || line.isEmpty()) {
            System.err.println("usage: echo -n PASSWORD | java -cp mqtt-broker.jar " + PasswordHash.class.getName());
            System.exit(2);
        }
        char[] password = line.toCharArray();
        System.out.println(hash(password));
        Arrays.fill(password, '\0');
    }
}
