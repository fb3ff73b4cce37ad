package org.mfc.fhir.ingest;

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
 * The ingest API's packages by role are layers, as the core's are: each uses only the packages below it, so there is
 * no cycle between roles. Read from the sources, imports and fully qualified names alike.
 */
class PackageLayersTest {

    private static final Path SOURCES = Path.of("src/main/java/org/mfc/fhir/ingest");
    /** Lowest first; packages of one layer do not use each other. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(Map.entry("config", 0), Map.entry("problem", 0),
            Map.entry("metrics", 0), Map.entry("security", 1), Map.entry("publish", 1), Map.entry("service", 2),
            Map.entry("rest", 3), Map.entry("admin", 3), Map.entry("mqtt", 3), Map.entry("health", 4));
    private static final Pattern USE = Pattern.compile("org\\.mfc\\.fhir\\.ingest\\.([a-z]+)\\.");

    @Test
    void givenTheIngestSources_whenTheirUsesOfOtherPackagesAreRead_thenEachUsesOnlyLowerLayers() throws IOException {
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                assertThat(relative.getNameCount()).as(relative + " sits in a role package").isGreaterThan(1);
                String own = relative.getName(0).toString();
                assertThat(LAYER).as("layer of package " + own).containsKey(own);
                Matcher m = USE.matcher(Files.readString(file));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(own) && (!LAYER.containsKey(used) || LAYER.get(used) >= LAYER.get(own))) {
                        upward.add(relative + " uses " + used);
                    }
                }
            }
        }
        assertThat(upward).isEmpty();
    }
}
