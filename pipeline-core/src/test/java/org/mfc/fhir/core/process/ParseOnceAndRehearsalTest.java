package org.mfc.fhir.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The synchronous path stores from the parse results the API validated with (no second parse), and a rehearsal maps
 * and encodes a batch without reading or writing anything.
 */
class ParseOnceAndRehearsalTest {

    private final Parsers parsers = new Parsers();
    private final AtomicInteger parses = new AtomicInteger();
    private final ProcessorHarness h = new ProcessorHarness(true, record -> {
        parses.incrementAndGet();
        return parsers.parse(record);
    });

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void givenRecordsParsedByTheCaller_whenProcessed_thenStoredWithoutParsingAgain() throws Exception {
        LegacyRegistry.seedBloodPressurePatient(h.main);
        List<IngestRecord> records = List.of(record("1743963911"), record("1743963912"));
        List<ParseResult> parsed = records.stream().map(parsers::parse).toList();

        BatchResult result = h.processor.process(records, parsed);

        assertThat(result.outcomes()).extracting(RecordOutcome::status)
                .containsOnly(RecordOutcome.Status.STORED);
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments()).isEqualTo(4);
        assertThat(parses).as("payloads parsed by the processor").hasValue(0);
    }

    @Test
    void givenReadings_whenRehearsed_thenEncodedButNothingReadWrittenOrParked() throws Exception {
        int encoded = h.processor.rehearse(List.of(record("1743963911")));

        assertThat(encoded).isGreaterThan(3);
        assertThat(h.dump()).allSatisfy((collection, ids) -> assertThat(ids).as(collection).isEmpty());
        assertThat(h.parked.count()).isZero();
    }

    @Test
    void givenRehearsalSamples_whenParsed_thenEveryOneIsAValidReadingsMessage() {
        for (IngestRecord r : RehearsalSamples.records(Instant.parse("2025-04-06T19:30:00Z"))) {
            ParseResult parsed = parsers.parse(r);
            assertThat(parsed.problems()).as(r.family() + " " + r.topic()).isEmpty();
            assertThat(parsed.messageClass()).as(r.family() + " " + r.topic())
                    .isEqualTo(org.mfc.fhir.core.parse.MessageClass.READINGS);
            assertThat(parsed.readings()).as(r.family() + " " + r.topic()).isNotEmpty();
        }
    }

    private static IngestRecord record(String deviceTime) throws Exception {
        JsonNode payload = Json.mapper().readTree(Fixtures.text("ava4/bp_biolight.json")
                .replace("1743963911", deviceTime));
        return new IngestRecord("ingest-" + deviceTime, 0, DeviceFamily.AVA4, null, "box-08F9E0D1F7B4", "client",
                Instant.parse("2025-04-06T18:30:00Z").toString(), payload);
    }
}
