package org.mfc.fhir.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceSlot;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.parse.DeviceModels.Model;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A device model is one row of {@link DeviceModels}, and each row is proven by a fixture of the device's native
 * payload (devices.md sections 1 and 3) under {@code payloads/<family>/}: parsed as the gateway sends it, it gives
 * readings of the row's kind, from a device named as the row names it, with every value the row maps. A row without
 * such a fixture fails here, so no model is supported on faith.
 */
class DeviceModelsTest {

    /** The fixtures live in pipeline-test-support; the core's test build copies them onto its class path. */
    private static final Path PAYLOADS = payloads();
    private static final Instant RECEIVED = Instant.parse("2025-04-06T18:25:20Z");
    private final Parsers parsers = new Parsers();

    static Stream<Model> models() {
        return DeviceModels.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void givenAModelRow_whenItsNativePayloadFixtureIsParsed_thenEveryReadingIsOfTheRowsKind(Model model) {
        List<String> fixtures = nativeFixtures(model);
        assertThat(fixtures).as("a fixture under payloads/%s/ whose data.attribute is \"%s\"", folder(model.family()),
                model.attribute()).isNotEmpty();
        for (String fixture : fixtures) {
            ParseResult r = parsers.parse(model.family(), Fixtures.json(fixture), null, RECEIVED);

            assertThat(r.problems()).as(fixture).isEmpty();
            assertThat(r.messageClass()).as(fixture).isEqualTo(MessageClass.READINGS);
            assertThat(r.readings()).as(fixture).isNotEmpty().allSatisfy(reading -> {
                assertThat(reading.kind()).isEqualTo(model.kind());
                assertThat(reading.device().type()).isEqualTo(IdType.BLE_MAC);
                assertThat(reading.device().model()).isEqualTo(model.displayName());
                assertThat(reading.values().keySet()).containsAll(model.values().values());
                assertThat(reading.details().keySet()).containsAll(model.details().values());
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void givenAModelRow_thenItsSlotIsTheRegistrySlotTheMigratorUsesForItsKind(Model model) {
        assertThat(model.slot().idType).isEqualTo(IdType.BLE_MAC);
        assertThat(model.slot().amyDevicesFields).isNotEmpty();
        assertThat(DeviceSlot.of(model.kind())).isEqualTo(model.slot());
    }

    /** Fixtures of the model's family folder whose {@code data.attribute} is the row's, exactly. */
    private static List<String> nativeFixtures(Model model) {
        Path dir = PAYLOADS.resolve(folder(model.family()));
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted()
                    .map(p -> folder(model.family()) + "/" + p.getFileName())
                    .filter(f -> model.attribute().equals(attribute(Fixtures.json(f)))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String attribute(JsonNode payload) {
        JsonNode a = payload.path("data").path("attribute");
        return a.isTextual() ? a.asText() : null;
    }

    private static String folder(DeviceFamily family) {
        return switch (family) {
            case AVA4 -> "ava4";
            case QUBE_VITAL -> "qube-vital";
            default -> throw new IllegalArgumentException("no device models for " + family);
        };
    }

    private static Path payloads() {
        try {
            return Path.of(Fixtures.class.getResource("/payloads").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
