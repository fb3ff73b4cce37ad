package org.mfc.fhir.infra;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --name value} arguments of the command-line mains.
 *
 * <p>Both mains take a handful of options; a parser library would be another jar on the local-run class path for
 * nothing. Unknown options fail fast so a typo does not silently start a server with defaults.
 */
final class MainArgs {

    private final Map<String, String> values;

    private MainArgs(Map<String, String> values) {
        this.values = values;
    }

    static MainArgs parse(String[] args, Set<String> allowed, String usage) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!name.startsWith("--") || !allowed.contains(name.substring(2)) || i + 1 >= args.length) {
                throw new IllegalArgumentException("Bad argument '" + name + "'. Usage: " + usage);
            }
            values.put(name.substring(2), args[i + 1]);
        }
        return new MainArgs(values);
    }

    int intValue(String name, int defaultValue) {
        String value = values.get(name);
        return value == null ? defaultValue : Integer.parseInt(value);
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
