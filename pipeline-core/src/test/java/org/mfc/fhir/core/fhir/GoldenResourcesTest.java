package org.mfc.fhir.core.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.MeasurementKind;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Reading of every kind to the exact resources stored (golden files {@code src/test/resources/golden/<kind>.json}):
 * a mapping change shows up as a reviewable diff. Regenerate after an intended change with
 * {@code ./mvnw -B -pl pipeline-core test -Dtest=GoldenResourcesTest -Dgolden.update=true} and review the diff.
 */
class GoldenResourcesTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @EnumSource(MeasurementKind.class)
    void givenSampleReadingOfKind_whenMapped_thenResourcesEqualGoldenFile(MeasurementKind kind) throws IOException {
        ArrayNode actual = Json.mapper().createArrayNode();
        for (MappedResource m : MappedReadings.of(SampleReadings.of(kind))) {
            actual.add(Json.mapper().readTree(FhirJson.encode(m.resource())));
        }
        Path file = GOLDEN.resolve(kind.name().toLowerCase(java.util.Locale.ROOT) + ".json");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        assertThat(file).as("golden file; create it with -Dgolden.update=true").exists();
        JsonNode expected = Json.mapper().readTree(Files.readString(file));
        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(MeasurementKind.class)
    void givenReadingOfKind_whenMapped_thenCodeUnitCategoryAndTimesFollowTheKindTable(MeasurementKind kind)
            throws IOException {
        List<MappedResource> mapped = MappedReadings.of(SampleReadings.of(kind));
        JsonNode obs = Json.mapper().readTree(FhirJson.encode(mapped.get(0).resource()));
        assertThat(obs.at("/code/coding/0/system").asText()).isEqualTo(kind.system);
        assertThat(obs.at("/code/coding/0/code").asText()).isEqualTo(kind.code);
        assertThat(obs.at("/category/0/coding/0/code").asText()).isEqualTo(kind.category.code);
        // The sample day's step count was received before the day ended: not final yet.
        assertThat(obs.at("/status").asText()).isEqualTo(kind == MeasurementKind.STEPS ? "preliminary" : "final");
        assertThat(obs.at("/issued").asText()).isEqualTo("2025-04-06T18:25:20.123Z");
        if (kind.hasPrimaryValue()) {
            assertThat(obs.at("/valueQuantity/code").asText()).isEqualTo(kind.unit);
            assertThat(obs.at("/valueQuantity/system").asText()).isEqualTo("http://unitsofmeasure.org");
        } else {
            assertThat(obs.has("valueQuantity")).isFalse();
        }
        if (kind == MeasurementKind.STEPS || kind == MeasurementKind.SLEEP) {
            assertThat(obs.has("effectivePeriod")).isTrue();
            assertThat(obs.has("effectiveDateTime")).isFalse();
        } else {
            assertThat(obs.at("/effectiveDateTime").asText()).isEqualTo("2025-04-06T18:25:11Z");
        }
    }
}
