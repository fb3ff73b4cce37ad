package org.mfc.fhir.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.mfc.fhir.core.json.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * RS256 bearer tokens for tests, signed with a key pair generated at run time (no key is ever committed). The
 * {@link #shared()} pair is written as PEM files under the temp directory, one directory per JVM, so that a
 * service under test (configured with {@link #publicKeyPem()}) and the test code, even in different class loaders,
 * use the same pair.
 */
public final class TestJwt {

    public static final String ISSUER = "https://auth.mfc.local";
    public static final String AUDIENCE = "mfc-ingest";
    public static final String WRITE_SCOPE = "system/Observation.write";
    /** Writing for any device: a token without {@code device_ids} needs the fleet scope (trusted bridges, test fleets). */
    public static final String FLEET_WRITE_SCOPE = "system/Observation.write fleet";

    private static TestJwt shared;

    private final PrivateKey privateKey;
    private final Path publicKeyPem;

    private TestJwt(PrivateKey privateKey, Path publicKeyPem) {
        this.privateKey = privateKey;
        this.publicKeyPem = publicKeyPem;
    }

    /** The JVM-wide key pair, created on first use. */
    public static synchronized TestJwt shared() {
        if (shared == null) {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "mfc-test-jwt-" + ProcessHandle.current().pid());
            shared = loadOrCreate(dir);
        }
        return shared;
    }

    /** A fresh pair in its own directory: tokens it signs are refused by a service that trusts {@link #shared()}. */
    public static TestJwt generate() {
        try {
            return loadOrCreate(Files.createTempDirectory("mfc-test-jwt-other"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pair kept in {@code dir}, created there on first use: the same pair for every class loader of this JVM
     * (a Quarkus test profile and its test class are loaded twice).
     */
    public static TestJwt inDirectory(Path dir) {
        return loadOrCreate(dir);
    }

    /** The public key (X.509 PEM): the value of {@code JWT_PUBLIC_KEY_LOCATION}. */
    public Path publicKeyPem() {
        return publicKeyPem;
    }

    /** A valid token for {@code subject} with the given space-separated scopes and optional device binding. */
    public String token(String subject, String scope, List<String> deviceIds) {
        return sign(claims(subject, scope, deviceIds, Duration.ofMinutes(10)));
    }

    /** Standard claims (issuer, audience, iat, exp, jti) that tests may change before {@link #sign}. */
    public Map<String, Object> claims(String subject, String scope, List<String> deviceIds, Duration lifetime) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", subject);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("scope", scope);
        if (deviceIds != null) {
            claims.put("device_ids", deviceIds);
        }
        return claims;
    }

    public String sign(Map<String, Object> claims) {
        try {
            String header = b64(Json.mapper().writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT")));
            String payload = b64(Json.mapper().writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey);
            rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + b64(rsa.sign());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static TestJwt loadOrCreate(Path dir) {
        Path privatePem = dir.resolve("private.pem");
        Path publicPem = dir.resolve("public.pem");
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            if (Files.exists(privatePem) && Files.exists(publicPem)) {
                return new TestJwt(rsa.generatePrivate(new PKCS8EncodedKeySpec(der(privatePem))), publicPem);
            }
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path tmpPrivate = Files.createTempFile(dir, "private", ".tmp");
            Path tmpPublic = Files.createTempFile(dir, "public", ".tmp");
            Files.writeString(tmpPrivate, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(tmpPublic, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            Files.move(tmpPublic, publicPem);
            Files.move(tmpPrivate, privatePem);
            dir.toFile().deleteOnExit();
            privatePem.toFile().deleteOnExit();
            publicPem.toFile().deleteOnExit();
            return new TestJwt(pair.getPrivate(), publicPem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] der(Path pem) throws IOException {
        String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
