package org.mfc.fhir.core.fhir;

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
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.parse.MessageClass;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.testing.Fixtures;

/**
 * Every reading the family parsers produce from the shared payload fixtures maps to Observations without a
 * plausibility rejection (fixtures are real-looking, valid data) and with every value key known to the kind table.
 */
class ParsedFixturesMappingTest {

    static Stream<String> fixtures() throws IOException, java.net.URISyntaxException {
        // The fixtures live in pipeline-test-support; the core's test build copies them onto its class path.
        Path root = Path.of(Fixtures.class.getResource("/payloads").toURI());
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".json")).map(p -> root.relativize(p).toString()
                    .replace('\\', '/')).sorted().toList().stream();
        }
    }

    @org.junit.jupiter.api.Test
    void givenAllFixtures_whenParsedAndMapped_thenEveryFamilyKindTheParsersEmitIsCovered() throws Exception {
        java.util.Set<org.mfc.fhir.core.model.MeasurementKind> kinds = java.util.EnumSet.noneOf(
                org.mfc.fhir.core.model.MeasurementKind.class);
        for (String fixture : fixtures().toList()) {
            ParseResult parsed = parse(fixture);
            if (parsed != null && parsed.valid() && parsed.messageClass() == MessageClass.READINGS) {
                for (Reading r : parsed.readings()) {
                    new ObservationMapper().map(r, SampleReadings.PATIENT, Instant.now());
                    kinds.add(r.kind());
                }
            }
        }
        assertThat(kinds).contains(org.mfc.fhir.core.model.MeasurementKind.BLOOD_PRESSURE,
                org.mfc.fhir.core.model.MeasurementKind.HEART_RATE, org.mfc.fhir.core.model.MeasurementKind.SPO2,
                org.mfc.fhir.core.model.MeasurementKind.BODY_TEMPERATURE,
                org.mfc.fhir.core.model.MeasurementKind.SKIN_TEMPERATURE,
                org.mfc.fhir.core.model.MeasurementKind.BODY_WEIGHT,
                org.mfc.fhir.core.model.MeasurementKind.BLOOD_GLUCOSE,
                org.mfc.fhir.core.model.MeasurementKind.STEPS, org.mfc.fhir.core.model.MeasurementKind.SLEEP);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void givenFixtureReadings_whenMapped_thenEveryValueIsKnownAndPossible(String fixture) {
        ParseResult parsed = parse(fixture);
        if (parsed == null || !parsed.valid() || parsed.messageClass() != MessageClass.READINGS) {
            return;
        }
        for (Reading r : parsed.readings()) {
            List<MappedResource> mapped = new ObservationMapper().map(r, SampleReadings.PATIENT, Instant.now());
            assertThat(mapped).isNotEmpty();
            assertThat(r.kind().limits.keySet()).as(fixture + " " + r.kind()).containsAll(r.values().keySet());
        }
    }

    /** The family from the fixture folder; the Kati topic from the file name, as the API passes it. */
    private static ParseResult parse(String fixture) {
        String folder = fixture.substring(0, fixture.indexOf('/'));
        String name = fixture.substring(fixture.indexOf('/') + 1, fixture.length() - 5);
        DeviceFamily family = switch (folder) {
            case "ava4" -> DeviceFamily.AVA4;
            case "kati" -> DeviceFamily.KATI;
            case "qube-vital" -> DeviceFamily.QUBE_VITAL;
            case "generic" -> DeviceFamily.GENERIC;
            default -> null;
        };
        if (family == null) {
            return null;
        }
        String topic = family == DeviceFamily.KATI ? katiTopic(name) : null;
        try {
            var payload = Fixtures.json(fixture.substring(0));
            Instant received = receivedFor(payload);
            return new Parsers().parse(family, payload, topic, received);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    private static String katiTopic(String name) {
        if (name.startsWith("vitalsign")) {
            return "VitalSign";
        }
        if (name.startsWith("ap55")) {
            return "AP55";
        }
        if (name.startsWith("hb")) {
            return "hb";
        }
        if (name.startsWith("sleepdata")) {
            return "sleepdata";
        }
        return name;
    }

    /** A receipt time a few seconds after the message's own time, so the device-time rule accepts it. */
    private static Instant receivedFor(com.fasterxml.jackson.databind.JsonNode payload) {
        if (payload.has("time") && payload.get("time").canConvertToLong()) {
            return Instant.ofEpochSecond(payload.get("time").asLong() + 5);
        }
        com.fasterxml.jackson.databind.JsonNode stamps = payload.has("timeStamps") ? payload.get("timeStamps")
                : payload.path("sleep").get("timeStamps");
        if (stamps != null && stamps.isTextual() && org.mfc.fhir.core.parse.KatiParser.parseTimeStamps(
                stamps.asText()) != null) {
            return org.mfc.fhir.core.parse.KatiParser.parseTimeStamps(stamps.asText()).plusSeconds(5);
        }
        if (payload.has("timestamp") && payload.get("timestamp").isTextual()) {
            try {
                return Instant.parse(payload.get("timestamp").asText()).plusSeconds(5);
            } catch (RuntimeException e) {
                return Instant.parse("2025-04-07T00:00:00Z");
            }
        }
        return Instant.parse("2025-04-07T00:00:00Z");
    }
}
