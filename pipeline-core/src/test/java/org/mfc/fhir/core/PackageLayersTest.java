package org.mfc.fhir.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The core's packages are layers: each may use only the packages below it, so there is no cycle and no upward import
 * (README, "Modules"). Read from the sources, imports and fully qualified names alike.
 */
class PackageLayersTest {

    private static final Path SOURCES = Path.of("src/main/java/org/mfc/fhir/core");
    /** Lowest first; packages of one layer do not use each other. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(Map.entry("model", 0), Map.entry("ids", 1),
            Map.entry("json", 1), Map.entry("parse", 2), Map.entry("messaging", 2), Map.entry("fhir", 3), Map.entry("store", 4),
            Map.entry("legacy", 5), Map.entry("migrate", 6), Map.entry("process", 6), Map.entry("host", 7));
    private static final Pattern USE = Pattern.compile("org\\.mfc\\.fhir\\.core\\.([a-z]+)\\.");

    @Test
    void givenTheCoreSources_whenTheirUsesOfOtherPackagesAreRead_thenEachUsesOnlyLowerLayers() throws IOException {
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String own = SOURCES.relativize(file).getName(0).toString();
                assertThat(LAYER).as("layer of package " + own).containsKey(own);
                Matcher m = USE.matcher(Files.readString(file));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(own) && (!LAYER.containsKey(used) || LAYER.get(used) >= LAYER.get(own))) {
                        upward.add(SOURCES.relativize(file) + " uses " + used);
                    }
                }
            }
        }
        assertThat(upward).isEmpty();
    }
}
