package org.mfc.fhir.mqtt.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Who may connect to the broker and what each account may do, read from a text file (see
 * {@code mqtt-broker/config/access.conf} for the syntax, with comments):
 *
 * <pre>
 * user &lt;name&gt; env:&lt;VARIABLE&gt;            password taken from the broker's environment at start
 * user &lt;name&gt; pbkdf2-sha256$...           password stored as a hash ({@link PasswordHash})
 * publish &lt;topic filter&gt;                  the account may publish there (QoS 0 and 1, retained or not)
 * subscribe &lt;topic filter&gt;                the account may subscribe there, shared subscriptions included
 * </pre>
 *
 * Everything not granted is denied: an account without {@code subscribe} lines cannot read anything, one without
 * {@code publish} lines cannot write. A file that names an unset variable or a malformed hash is refused whole at
 * start, rather than running with an account nobody can use.
 */
public final class AccessFile {

    /** One account: how its password is checked, and its grants. */
    public record Account(String name, Secret secret, List<String> publish, List<String> subscribe) {
    }

    /** How an account's password is checked. */
    public interface Secret {
        boolean matches(byte[] password);
    }

    private final Map<String, Account> accounts;

    private AccessFile(Map<String, Account> accounts) {
        this.accounts = Map.copyOf(accounts);
    }

    public static AccessFile read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), System::getenv);
    }

    /** {@code env} resolves {@code env:VARIABLE} secrets. */
    static AccessFile parse(List<String> lines, Function<String, String> env) {
        Map<String, Account> accounts = new LinkedHashMap<>();
        String current = null;
        Secret secret = null;
        List<String> publish = new ArrayList<>();
        List<String> subscribe = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = "line " + (n + 1) + ": ";
            switch (words[0]) {
                case "user" -> {
                    if (words.length != 3) {
                        throw new IllegalArgumentException(where + "expected 'user <name> <secret>'");
                    }
                    if (current != null) {
                        accounts.put(current, new Account(current, secret, List.copyOf(publish),
                                List.copyOf(subscribe)));
                    }
                    current = words[1];
                    if (accounts.containsKey(current)) {
                        throw new IllegalArgumentException(where + "user " + current + " is defined twice");
                    }
                    secret = secret(words[2], env, where);
                    publish = new ArrayList<>();
                    subscribe = new ArrayList<>();
                }
                case "publish", "subscribe" -> {
                    if (current == null) {
                        throw new IllegalArgumentException(where + words[0] + " before any 'user' line");
                    }
                    if (words.length != 2) {
                        throw new IllegalArgumentException(where + "expected '" + words[0] + " <topic filter>'");
                    }
                    (words[0].equals("publish") ? publish : subscribe).add(words[1]);
                }
                default -> throw new IllegalArgumentException(where + "unknown keyword '" + words[0] + "'");
            }
        }
        if (current != null) {
            accounts.put(current, new Account(current, secret, List.copyOf(publish), List.copyOf(subscribe)));
        }
        return new AccessFile(accounts);
    }

    private static Secret secret(String spec, Function<String, String> env, String where) {
        if (spec.startsWith("env:")) {
            String variable = spec.substring(4);
            String value = env.apply(variable);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(where + "environment variable " + variable + " is not set");
            }
            byte[] expected = sha256(value.getBytes(StandardCharsets.UTF_8));
            return password -> MessageDigest.isEqual(expected, sha256(password));
        }
        if (!PasswordHash.isWellFormed(spec)) {
            throw new IllegalArgumentException(where + "the secret is neither env:VARIABLE nor a "
                    + PasswordHash.SCHEME + " hash (scripts/mqtt-passwd.sh prints one)");
        }
        return password -> PasswordHash.verify(spec, password);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public Account account(String name) {
        return accounts.get(name);
    }

    public int size() {
        return accounts.size();
    }
}
