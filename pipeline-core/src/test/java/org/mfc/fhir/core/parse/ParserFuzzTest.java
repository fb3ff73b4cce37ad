package org.mfc.fhir.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Property-based fuzzing of every parser through {@link Parsers}: arbitrary JSON trees on every family and topic,
 * and mutations of the real fixtures (dropped keys, swapped types, random strings in numeric fields, extreme
 * numbers). Whatever arrives, a parser answers a {@link ParseResult} that keeps its contract: no exception; problems
 * or a message class, never both; every problem names a field; readings only for {@link MessageClass#READINGS},
 * each timed within {@link DeviceTimeRule} and carrying its kind's defining values.
 */
class ParserFuzzTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Parsers PARSERS = new Parsers();
    /** Shortly after the fixtures' device times (2025-04-06), so unmutated fixtures are valid. */
    private static final Instant FIXTURE_RECEIPT = Instant.parse("2025-04-07T06:00:00Z");

    /** Where a payload goes: family and the topic the API passes (Kati topic, generic body's family). */
    record Target(DeviceFamily family, String topic) {
    }

    record Case(String fixture, Target target, JsonNode payload) {
        @Override
        public String toString() {
            return fixture + " -> " + target + ": " + payload;
        }
    }

    private static final List<Target> TARGETS = Stream.concat(Stream.of(
            new Target(DeviceFamily.AVA4, null), new Target(DeviceFamily.QUBE_VITAL, null),
            new Target(DeviceFamily.GENERIC, "AVA4"), new Target(DeviceFamily.GENERIC, "KATI"),
            new Target(DeviceFamily.GENERIC, "QUBE_VITAL"), new Target(DeviceFamily.GENERIC, null),
            new Target(DeviceFamily.GENERIC, "../../etc/passwd"), new Target(DeviceFamily.KATI, "sos"),
            new Target(DeviceFamily.KATI, "vital\u0000sign"), new Target(DeviceFamily.KATI, null)),
            Stream.of(KatiParser.Topic.values()).map(t -> new Target(DeviceFamily.KATI, t.wireName))).toList();

    /** Every fixture with the target it was written for. */
    private static final List<Case> FIXTURES = fixtures();

    @Example
    void givenUnchangedFixtures_whenParsed_thenEachIsValidAndKeepsTheContract() {
        assertThat(FIXTURES).hasSizeGreaterThan(30);
        for (Case c : FIXTURES) {
            ParseResult r = PARSERS.parse(c.target().family(), c.payload(), c.target().topic(), FIXTURE_RECEIPT);
            assertThat(r.problems()).as(c.fixture()).isEmpty();
            assertContract(c, r, FIXTURE_RECEIPT);
        }
    }

    @Property(tries = 400)
    void givenArbitraryJson_whenParsedForAnyFamilyAndTopic_thenContractHolds(@ForAll("targets") Target target,
            @ForAll("anyJson") JsonNode payload, @ForAll("receipts") Instant receivedAt) {
        Case c = new Case("arbitrary", target, payload);
        ParseResult r = parse(c, receivedAt);
        Statistics.collect(r.valid() ? "valid" : "invalid");
        assertContract(c, r, receivedAt);
    }

    @Property(tries = 600)
    void givenMutatedFixture_whenParsed_thenContractHolds(@ForAll("mutatedFixtures") Case c) {
        ParseResult r = parse(c, FIXTURE_RECEIPT);
        Statistics.label("outcome").collect(r.valid() ? r.messageClass().name() : "invalid");
        // Mutations must leave enough messages valid that the readings' invariants are really exercised.
        Statistics.label("outcome").coverage(check -> check.check("READINGS").count(n -> n > 0));
        assertContract(c, r, FIXTURE_RECEIPT);
    }

    @Property(tries = 300)
    void givenFixtureWithExtremeOrForeignValueInEveryField_whenParsed_thenContractHolds(
            @ForAll("fixtureWithEveryLeafReplaced") Case c) {
        ParseResult r = parse(c, FIXTURE_RECEIPT);
        assertContract(c, r, FIXTURE_RECEIPT);
    }

    private static ParseResult parse(Case c, Instant receivedAt) {
        ParseResult[] out = new ParseResult[1];
        assertThatCode(() -> out[0] = PARSERS.parse(c.target().family(), c.payload(), c.target().topic(),
                receivedAt)).as("%s", c).doesNotThrowAnyException();
        return out[0];
    }

    private static void assertContract(Case c, ParseResult r, Instant receivedAt) {
        assertThat(r).as("%s", c).isNotNull();
        for (FieldProblem p : r.problems()) {
            assertThat(p.field()).as("problem field of %s", c).isNotBlank();
            assertThat(p.reason()).as("problem reason of %s", c).isNotBlank();
        }
        if (!r.valid()) {
            assertThat(r.readings()).as("readings of an invalid %s", c).isEmpty();
            assertThat(r.alerts()).as("alerts of an invalid %s", c).isEmpty();
            return;
        }
        assertThat(r.messageClass()).as("class of a valid %s", c).isNotNull();
        assertThat(r.source()).as("source of a valid %s", c).isNotNull();
        switch (r.messageClass()) {
            case READINGS -> assertThat(r.readings()).as("%s", c).isNotEmpty();
            case ALERT -> assertThat(r.alerts()).as("%s", c).isNotEmpty();
            default -> assertThat(r.readings()).as("%s", c).isEmpty();
        }
        r.readings().forEach(reading -> assertReading(c, reading, receivedAt));
        for (AlertEvent alert : r.alerts()) {
            assertThat(alert.time()).as("alert time of %s", c).isNotNull();
        }
    }

    private static void assertReading(Case c, Reading reading, Instant receivedAt) {
        Instant latest = receivedAt.plus(DeviceTimeRule.DEFAULT_MAX_AHEAD);
        if (reading.periodEnd() == null) {
            assertThat(reading.deviceTime()).as("device time of %s", c)
                    .isAfterOrEqualTo(DeviceTimeRule.FLOOR).isBeforeOrEqualTo(latest);
        } else {
            // Steps and sleep: the period holding the checked device time (Thai local day, the night's window).
            assertThat(reading.periodEnd()).as("period of %s", c).isAfter(reading.deviceTime())
                    .isAfter(DeviceTimeRule.FLOOR);
            assertThat(reading.deviceTime()).as("period start of %s", c).isBeforeOrEqualTo(latest);
        }
        MeasurementKind kind = reading.kind();
        Set<String> known = new java.util.HashSet<>(kind.limits.keySet());
        known.add(MeasurementKind.VALUE);
        kind.components.forEach(comp -> known.add(comp.key()));
        known.addAll(List.of("pulse", "deep", "light"));
        assertThat(reading.values().keySet()).as("value keys of %s", c).isSubsetOf(known);
        for (String required : ModelValues.requiredKeys(kind)) {
            assertThat(reading.values()).as("defining value %s of %s", required, c).containsKey(required);
        }
        for (BigDecimal v : reading.values().values()) {
            assertThat(v).as("value of %s", c).isNotNull();
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<Target> targets() {
        return Arbitraries.of(TARGETS);
    }

    @Provide
    Arbitrary<Instant> receipts() {
        return Arbitraries.oneOf(Arbitraries.just(FIXTURE_RECEIPT), Arbitraries.just(Instant.now()),
                Arbitraries.longs().between(1_300_000_000L, 2_500_000_000L).map(Instant::ofEpochSecond));
    }

    @Provide
    Arbitrary<JsonNode> anyJson() {
        return Arbitraries.recursive(ParserFuzzTest::leaf, ParserFuzzTest::container, 0, 4);
    }

    /** Keys the parsers look for (in several spellings) mixed with random ones, so random trees reach deep paths. */
    private static Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of("mac", "MAC", "deviceCode", "IMEI", "imei", "type", "data",
                        "attribute", "value", "device_list", "ble_addr", "scan_time", "bp_high", "bp_low", "PR",
                        "pr", "blood_glucose", "marker", "spo2", "pulse", "pi", "temp", "Temp", "mode", "weight",
                        "Resistance", "uric_acid", "cholesterol", "time", "citiz", "nameTH", "nameEN", "brith",
                        "gender", "ble_mac", "heartRate", "bloodPressure", "bp_sys", "bp_dia", "bodyTemperature",
                        "spO2", "timeStamps", "timestamp", "step", "sleep", "num", "location", "GPS", "latitude",
                        "longitude", "status", "device_id", "systolic", "diastolic", "temperature", "height", "bmi",
                        "heart_rate", "steps", "sleep_data", "sleep_time", "creatinine", "total_cholesterol", "ldl",
                        "hdl", "triglycerides", "id", "code", "$gt", "$where", "a.b", "")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
    }

    private static Arbitrary<JsonNode> container(Arbitrary<JsonNode> inner) {
        Arbitrary<JsonNode> array = inner.list().ofMaxSize(4).map(items -> {
            ArrayNode a = F.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(keys(), inner).as(Map::entry).list().ofMaxSize(6)
                .map(entries -> {
                    ObjectNode o = F.objectNode();
                    entries.forEach(e -> o.set(e.getKey(), e.getValue()));
                    return o;
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, array), net.jqwik.api.Tuple.of(3, object));
    }

    /** Scalars, biased to what breaks parsers: extreme and negative numbers, numeric and almost-numeric strings. */
    private static Arbitrary<JsonNode> leaf() {
        return Arbitraries.oneOf(
                Arbitraries.just(F.nullNode()),
                Arbitraries.of(true, false).map(F::booleanNode),
                Arbitraries.integers().map(F::numberNode),
                Arbitraries.longs().map(F::numberNode),
                Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("-1e400"), new BigDecimal("1e-400"),
                        new BigDecimal("9999999999999999999999"), new BigDecimal("-0.0"), new BigDecimal("36.43000031"),
                        BigDecimal.valueOf(Long.MAX_VALUE).add(BigDecimal.ONE), BigDecimal.valueOf(Long.MIN_VALUE),
                        BigDecimal.valueOf(DeviceTimeRule.FLOOR.getEpochSecond()),
                        BigDecimal.valueOf(DeviceTimeRule.FLOOR.getEpochSecond() - 1),
                        BigDecimal.valueOf(1743963911L), BigDecimal.valueOf(-1), BigDecimal.ZERO)
                        .map(F::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                        .map(F::numberNode),
                Arbitraries.doubles().map(d -> F.numberNode(BigDecimal.valueOf(d))),
                strings().map(F::textNode));
    }

    private static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().all().ofMaxLength(80),
                Arbitraries.of("", " ", "null", "NULL", "NaN", "Infinity", "-Infinity", "1e400", "-1e999999999",
                        "1e2147483648", "9999999999999999999999", "0x1F", "12abc", " 120 ", "108", "517.5",
                        "D6:16:F9:64:16:22", "d616f9641622", "DC:DA:0C:5A:80:64", "865067123456789",
                        ":865067123456789", "1234567890121", "123456789012", "06/04/2025 18:25:11",
                        "31/02/2025 18:25:11", "06/04/9999 18:25:11", "2025-04-06T18:25:11Z",
                        "+999999999-12-31T23:59:59Z", "2200@0700", "2460@0700", "0001112#3a", "25220713",
                        "reportAttribute", "cmdResult", "HB_Msg", "reportMsg", "BP_BIOLIGTH", "WBP_JUMPER",
                        "Oximeter JUMPER", "Contour_Elite", "BLOOD_PRESSURE", "sleep", "STEPS", "LIPID",
                        "../../etc/passwd", "{\"$gt\": \"\"}", "a\u0000b", "\u202e\ud83d\ude00", "x".repeat(300)));
    }

    @Provide
    Arbitrary<Case> mutatedFixtures() {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.of(Op.values()),
                Arbitraries.integers().between(0, 10_000), anyJson(), strings()).as(Mutation::new);
        return Combinators.combine(Arbitraries.of(FIXTURES), mutation.list().ofMinSize(1).ofMaxSize(4))
                .as((c, mutations) -> {
                    JsonNode copy = c.payload().deepCopy();
                    for (Mutation m : mutations) {
                        copy = m.applyTo(copy);
                    }
                    return new Case(c.fixture() + " " + mutations, c.target(), copy);
                });
    }

    /** A fixture with EVERY scalar replaced by a generated leaf: extreme numbers and junk in all fields at once. */
    @Provide
    Arbitrary<Case> fixtureWithEveryLeafReplaced() {
        return Combinators.combine(Arbitraries.of(FIXTURES), leaf().list().ofSize(64)).as((c, leaves) -> {
            JsonNode copy = c.payload().deepCopy();
            List<Slot> slots = slots(copy).stream().filter(s -> s.get().isValueNode()).toList();
            for (int i = 0; i < slots.size(); i++) {
                JsonNode replacement = leaves.get(i % leaves.size());
                // Keep identifiers intact in half the slots so value checks are reached past the identity checks.
                if (i % 2 == 0 || !isIdentifierKey(slots.get(i).name())) {
                    slots.get(i).set(replacement);
                }
            }
            return new Case(c.fixture() + " (every leaf)", c.target(), copy);
        });
    }

    private static boolean isIdentifierKey(String name) {
        return Set.of("mac", "imei", "ble_addr", "ble_mac", "device_id", "type", "attribute", "citiz")
                .contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    enum Op {
        DROP_KEY, REPLACE_WITH_TREE, RANDOM_STRING, STRINGIFY, SWAP_CONTAINER, EXTREME_NUMBER, DUPLICATE_ITEM
    }

    record Mutation(Op op, int at, JsonNode tree, String text) {

        JsonNode applyTo(JsonNode root) {
            List<Slot> slots = slots(root);
            if (slots.isEmpty()) {
                return op == Op.REPLACE_WITH_TREE ? tree : root;
            }
            Slot s = slots.get(at % slots.size());
            JsonNode current = s.get();
            switch (op) {
                case DROP_KEY -> s.remove();
                case REPLACE_WITH_TREE -> s.set(tree);
                case RANDOM_STRING -> s.set(F.textNode(text));
                case STRINGIFY -> s.set(F.textNode(current.isValueNode() ? current.asText() : current.toString()));
                case SWAP_CONTAINER -> s.set(current.isObject() ? F.arrayNode().add(current)
                        : current.isArray() ? F.objectNode().set("0", current) : F.arrayNode().add(current));
                case EXTREME_NUMBER -> s.set(F.numberNode(List.of(new BigDecimal("1e400"), new BigDecimal("-1e400"),
                        new BigDecimal("9999999999999999999999"), BigDecimal.valueOf(-120), new BigDecimal("1e-400"))
                        .get(at % 5)));
                case DUPLICATE_ITEM -> {
                    if (current.isArray() && !current.isEmpty()) {
                        ((ArrayNode) current).add(current.get(0).deepCopy());
                    } else {
                        s.set(F.arrayNode().add(current).add(current.deepCopy()));
                    }
                }
            }
            return root;
        }

        @Override
        public String toString() {
            return op + "@" + at;
        }
    }

    /** A place in a tree: a member of an object or an item of an array. */
    record Slot(JsonNode parent, String name, int index) {

        JsonNode get() {
            return parent.isObject() ? parent.get(name) : parent.get(index);
        }

        void set(JsonNode value) {
            if (parent.isObject()) {
                ((ObjectNode) parent).set(name, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (parent.isObject()) {
                ((ObjectNode) parent).remove(name);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    static List<Slot> slots(JsonNode root) {
        List<Slot> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(JsonNode node, List<Slot> out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                out.add(new Slot(node, n, -1));
                collect(node.get(n), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Slot(node, null, i));
                collect(node.get(i), out);
            }
        }
    }

    private static List<Case> fixtures() {
        try {
            Path root = Path.of(Fixtures.class.getResource("/payloads").toURI());
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(p -> p.toString().endsWith(".json")).sorted().map(p -> {
                    String rel = root.relativize(p).toString().replace('\\', '/');
                    try {
                        return new Case(rel, targetOf(rel), Json.mapper().readTree(Files.readAllBytes(p)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).collect(Collectors.toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The family and topic a fixture is posted with, from its folder and file name. */
    private static Target targetOf(String rel) {
        String family = rel.substring(0, rel.indexOf('/'));
        String name = rel.substring(rel.indexOf('/') + 1);
        return switch (family) {
            case "ava4" -> new Target(DeviceFamily.AVA4, null);
            case "qube-vital" -> new Target(DeviceFamily.QUBE_VITAL, null);
            case "generic" -> new Target(DeviceFamily.GENERIC, name.startsWith("ava4_") ? "AVA4"
                    : name.startsWith("kati_") ? "KATI" : "QUBE_VITAL");
            case "kati" -> new Target(DeviceFamily.KATI, Map.of("vitalsign", "VitalSign", "ap55", "AP55", "hb", "hb",
                    "sleepdata", "sleepdata", "location", "location", "sos", "sos", "fall", "fallDown", "online",
                    "onlineTrigger").get(name.split("[_.]")[0]));
            default -> throw new IllegalArgumentException("fixture outside a family folder: " + rel);
        };
    }
}
