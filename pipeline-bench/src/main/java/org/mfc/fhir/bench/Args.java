package org.mfc.fhir.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code --name value} pairs. */
final class Args {

    private Args() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    /** As {@link #parse(String[])}, refusing a name not in {@code known}: a mistyped option must not be ignored. */
    static Map<String, String> parse(String[] args, Set<String> known) {
        Map<String, String> out = parse(args);
        for (String name : out.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + " (known: --"
                        + String.join(", --", new TreeSet<>(known)) + ")");
            }
        }
        return out;
    }
}
