package org.mfc.fhir.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bson.Document;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the ingest API accepts, the worker can store: payloads generated from every fixture with adversarial
 * content (extreme and tiny numbers, odd strings, operator and dotted keys, objects where scalars belong, dropped
 * and duplicated members), kept when they pass the API's own checks (the shared parser and the possible-value rule),
 * then processed in batches by the real processor with the real parsers over a MongoDB wire server. No exception
 * may escape, and no accepted message may be rejected: each ends stored, alerted, parked or as device status.
 */
class AcceptedMessagesAreStorableTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Parsers PARSERS = new Parsers();
    /** Shortly after the fixtures' device times (2025-04-06). */
    private static final String RECEIVED = "2025-04-07T06:00:00Z";
    private static final List<Fixture> FIXTURES = fixtures();
    private static ProcessorHarness harness;
    private static int seq;

    record Fixture(String name, DeviceFamily family, String topic, JsonNode payload) {
    }

    record Case(Fixture fixture, JsonNode payload, List<String> mutations) {
        @Override
        public String toString() {
            return fixture.name() + " " + mutations + ": " + payload;
        }
    }

    @BeforeContainer
    static void start() {
        harness = new ProcessorHarness(true, r -> PARSERS.parse(r));
        harness.main.getCollection("patients").insertOne(new Document("_id", ReadingProcessorTest.PATIENT)
                .append("first_name", "Prop").append("last_name", "Erty").append("id_card", "1100000000008"));
        harness.main.getCollection("watches").insertOne(new Document("imei", "865067123456789")
                .append("patient_id", ReadingProcessorTest.PATIENT));
        harness.main.getCollection("amy_boxes").insertOne(new Document("mac_address", "08:F9:E0:D1:F7:B4")
                .append("patient_id", ReadingProcessorTest.PATIENT));
        harness.main.getCollection("amy_boxes").insertOne(new Document("mac_address", "DC:DA:0C:5A:80:64")
                .append("patient_id", ReadingProcessorTest.PATIENT));
    }

    @AfterContainer
    static void stop() {
        harness.close();
    }

    @Property(tries = 250)
    void givenBatchesOfAcceptedAdversarialMessages_whenProcessed_thenNothingEscapesAndNothingIsRejected(
            @ForAll("adversarialCases") List<Case> cases) {
        List<IngestRecord> batch = new ArrayList<>();
        for (Case c : cases) {
            IngestRecord record = new IngestRecord("prop-" + (++seq), 0, c.fixture().family(), c.fixture().topic(),
                    "key", "prop-client", RECEIVED, c.payload());
            ParseResult parsed = PARSERS.parse(record);
            // The parsers refuse impossible values themselves, item by item (PossibleValues).
            boolean accepted = parsed.valid();
            Statistics.label("api").collect(accepted ? "accepted" : "refused");
            if (accepted) {
                batch.add(record);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        BatchResult[] result = new BatchResult[1];
        assertThatCode(() -> result[0] = harness.processor.process(batch)).as("%s", cases)
                .doesNotThrowAnyException();
        assertThat(result[0].outcomes()).hasSize(batch.size());
        for (RecordOutcome o : result[0].outcomes()) {
            Statistics.label("outcome").collect(o.status());
            assertThat(o.status()).as("%s: %s", cases, o.reason()).isNotEqualTo(RecordOutcome.Status.REJECTED);
        }
    }

    @Provide
    Arbitrary<List<Case>> adversarialCases() {
        Arbitrary<Case> one = Combinators.combine(Arbitraries.of(FIXTURES), mutation().list().ofMinSize(1)
                .ofMaxSize(3)).as((f, mutations) -> {
                    JsonNode copy = f.payload().deepCopy();
                    List<String> applied = new ArrayList<>();
                    for (Mutation m : mutations) {
                        applied.add(m.apply(copy));
                    }
                    return new Case(f, copy, applied);
                });
        return one.list().ofMinSize(1).ofMaxSize(5);
    }

    /** One change at a place picked by {@code at}, with adversarial content. */
    record Mutation(int kind, int at, JsonNode value, String key) {

        String apply(JsonNode root) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            JsonNode target = containers.get(at % containers.size());
            switch (kind % 4) {
                case 0 -> {
                    // replace a member or item with an adversarial value
                    if (target instanceof ObjectNode o && o.size() > 0) {
                        String name = o.fieldNames().next();
                        List<String> names = new ArrayList<>();
                        o.fieldNames().forEachRemaining(names::add);
                        name = names.get(at % names.size());
                        o.set(name, value);
                        return "set " + name;
                    }
                    if (target instanceof ArrayNode a && !a.isEmpty()) {
                        a.set(at % a.size(), value);
                        return "set item";
                    }
                    return "none";
                }
                case 1 -> {
                    if (target instanceof ObjectNode o) {
                        o.set(key, value);
                        return "add " + key;
                    }
                    return "none";
                }
                case 2 -> {
                    if (target instanceof ObjectNode o && o.size() > 0) {
                        List<String> names = new ArrayList<>();
                        o.fieldNames().forEachRemaining(names::add);
                        o.remove(names.get(at % names.size()));
                        return "drop";
                    }
                    return "none";
                }
                default -> {
                    if (target instanceof ArrayNode a && !a.isEmpty()) {
                        a.add(a.get(0).deepCopy());
                        return "duplicate item";
                    }
                    return "none";
                }
            }
        }

        private static void collect(JsonNode node, List<JsonNode> out) {
            if (node.isContainerNode()) {
                out.add(node);
                node.forEach(child -> collect(child, out));
            }
        }
    }

    private static Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 10_000),
                adversarialValues(), Arbitraries.of("$set", "$oid", "$where", "a.b", "", " ", "\u202e", "\u0000",
                        "location", "GPS", "marker", "mode", "num", "sleep", "value", "pi", "pulse", "PR"))
                .as(Mutation::new);
    }

    private static Arbitrary<JsonNode> adversarialValues() {
        return Arbitraries.oneOf(
                Arbitraries.of(new BigDecimal("0E-999999999"), new BigDecimal("1E-999999999"),
                        new BigDecimal("1E+999999999"), new BigDecimal("-0.0"), new BigDecimal("36.430000000000000"),
                        new BigDecimal("123456789012345678901234"), new BigDecimal("0.000000000001"),
                        new BigDecimal("1e2"), new BigDecimal("98"), new BigDecimal("72"), BigDecimal.ZERO)
                        .map(F::numberNode),
                Arbitraries.of("", " ", "null", "0E-999999999", "1E+400", "98", "36.5", "\u202e\u0e01\u0e02",
                        "\ud83d\ude00", "x".repeat(64), "\u0e01".repeat(64), "a.b", "$set", "{\"$oid\":\"zz\"}",
                        "2".repeat(576), "HI", "LO", "06/04/2025 18:40:00", "2200@0700").map(F::textNode),
                Arbitraries.of("{\"$oid\":\"zz\"}", "{\"$date\":\"2020-01-01\"}", "{\"a.b\":{\"$gt\":1}}",
                        "[1,{\"$x\":2}]", "{\"GPS\":{\"latitude\":\"13.7\",\"longitude\":100.5,\"$set\":1}}", "{}",
                        "[]", "null", "true").map(AcceptedMessagesAreStorableTest::json));
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Fixture> fixtures() {
        try {
            Path root = Path.of(Fixtures.class.getResource("/payloads").toURI());
            List<Fixture> out = new ArrayList<>();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    String rel = root.relativize(p).toString().replace('\\', '/');
                    String folder = rel.substring(0, rel.indexOf('/'));
                    String name = rel.substring(rel.indexOf('/') + 1);
                    DeviceFamily family;
                    String topic = null;
                    switch (folder) {
                        case "ava4" -> family = DeviceFamily.AVA4;
                        case "qube-vital" -> family = DeviceFamily.QUBE_VITAL;
                        case "generic" -> {
                            family = DeviceFamily.GENERIC;
                            topic = name.startsWith("ava4_") ? "AVA4" : name.startsWith("kati_") ? "KATI"
                                    : "QUBE_VITAL";
                        }
                        default -> {
                            family = DeviceFamily.KATI;
                            topic = java.util.Map.of("vitalsign", "VitalSign", "ap55", "AP55", "hb", "hb",
                                    "sleepdata", "sleepdata", "location", "location", "sos", "sos", "fall",
                                    "fallDown", "online", "onlineTrigger").get(name.split("[_.]")[0]);
                        }
                    }
                    out.add(new Fixture(rel, family, topic, Json.mapper().readTree(Files.readAllBytes(p))));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
