package org.mfc.fhir.core.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.ObjectId;
import org.hl7.fhir.r5.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mfc.fhir.core.legacy.MigratedReading;
import org.mfc.fhir.core.legacy.PatientMapper;
import org.mfc.fhir.core.migrate.MigratedReadingMapper;
import org.mfc.fhir.core.legacy.OrganizationMapper;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.GlucoseMarker;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link FhirBson} must store exactly what the HAPI route stored: for every resource the pipeline writes, the BSON
 * bytes of {@code FhirBson.encode(r)} equal those of {@code Document.parse(FhirJson.encode(r))} (field order and
 * value types included, since the bytes carry both).
 */
class FhirBsonTest {

    private static final DocumentCodec CODEC = new DocumentCodec();

    @ParameterizedTest
    @EnumSource(MeasurementKind.class)
    void givenSampleReadingOfKind_whenEncoded_thenBytesEqualTheHapiJsonRoundTrip(MeasurementKind kind) {
        for (MappedResource m : MappedReadings.of(SampleReadings.of(kind))) {
            assertSameAsRoundTrip(m.resource());
        }
    }

    @ParameterizedTest
    @EnumSource(MeasurementKind.class)
    void givenMigratedReadingWithPlaceholderDevice_whenEncoded_thenBytesEqualTheRoundTrip(MeasurementKind kind) {
        Reading sample = SampleReadings.of(kind);
        String placeholder = "legacy-bp-" + SampleReadings.PATIENT;
        Reading r = new Reading(sample.family(), kind, new DeviceIdentity(IdType.BLE_MAC, placeholder,
                "Legacy history: measuring device not recorded"), null, null, sample.deviceTime(),
                sample.periodEnd(), sample.values(), sample.details());
        MigratedReading migrated = new MigratedReading(r, true, "x/1/0");
        MigratedReadingMapper mapper = new MigratedReadingMapper();
        List<MappedResource> all = new ArrayList<>(mapper.observations(migrated, SampleReadings.PATIENT,
                SampleReadings.RECEIVED));
        all.addAll(mapper.devices(migrated));
        for (MappedResource m : all) {
            assertSameAsRoundTrip(m.resource());
        }
    }

    @Test
    void givenLegacyPatientAndHospital_whenEncoded_thenBytesEqualTheRoundTrip() {
        Document patient = new Document("_id", new ObjectId("65f000000000000000000001"))
                .append("first_name", "Somchai \"Tester\"").append("last_name", "ทดสอบ\u0001\\/")
                .append("id_card", "1100000000008").append("hn_id_no", "HN-42").append("gender", "male")
                .append("birth_date", Date.from(Instant.parse("1970-01-01T00:00:00Z")))
                .append("registration_status", "unregistered").append("is_active", true);
        assertSameAsRoundTrip(new PatientMapper().map(patient).resource());
        assertSameAsRoundTrip(new PatientMapper().map(new Document("_id", new ObjectId())).resource());
        Document hospital = new Document("_id", new ObjectId("65f0000000000000000000aa")).append("code", "H1")
                .append("name", List.of(new Document("code", "th").append("name", "โรงพยาบาลทดสอบ")));
        assertSameAsRoundTrip(new OrganizationMapper().map(hospital).resource());
    }

    @Property(tries = 400)
    void givenAnyPossibleReading_whenEncoded_thenBytesEqualTheRoundTrip(@ForAll("readings") Reading reading,
            @ForAll("texts") String clientId) {
        List<MappedResource> observations = new ObservationMapper().map(reading, SampleReadings.PATIENT,
                SampleReadings.RECEIVED);
        List<MappedResource> all = new ArrayList<>(observations);
        all.addAll(new DeviceMapper().map(reading));
        all.add(new ProvenanceMapper().map("ing-" + clientId + ":0", "ing-" + clientId, clientId,
                List.of(reading.device()), SampleReadings.PATIENT,
                observations.stream().map(MappedResource::id).toList(), SampleReadings.RECEIVED));
        for (MappedResource m : all) {
            assertSameAsRoundTrip(m.resource());
        }
    }

    @Property(tries = 2000)
    void givenAnyNumberLiteral_whenTyped_thenSameValueAndTypeAsTheBsonJsonReader(@ForAll("literals") String literal) {
        Object expected = Document.parse("{\"v\":" + literal + "}").get("v");
        Object actual = FhirBson.number(literal);
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
    }

    @Provide
    Arbitrary<String> literals() {
        Arbitrary<String> ints = Arbitraries.longs().map(String::valueOf);
        Arbitrary<String> smallInts = Arbitraries.integers().between(-1000, 100_000).map(String::valueOf);
        Arbitrary<String> decimals = Combinators.combine(Arbitraries.longs().between(-10_000_000, 10_000_000),
                Arbitraries.integers().between(-3, 9)).as((u, s) -> BigDecimal.valueOf(u, s).toString());
        Arbitrary<String> exponents = Combinators.combine(Arbitraries.integers().between(1, 999),
                Arbitraries.integers().between(-30, 30)).as((m, e) -> m + "E" + (e >= 0 ? "+" : "") + e);
        return Arbitraries.oneOf(ints, smallInts, decimals, exponents);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange('\u0000', '\u0e7f').ofMinLength(1).ofMaxLength(24)
                .filter(s -> !s.isBlank());
    }

    /** Any kind, its values anywhere in the possible range at any scale, optional details and model names. */
    @Provide
    Arbitrary<Reading> readings() {
        Arbitrary<MeasurementKind> kinds = Arbitraries.of(MeasurementKind.class);
        return kinds.flatMap(kind -> Combinators.combine(values(kind), texts().injectNull(0.2),
                Arbitraries.of("Head", "Ear", "Armpit", "Unknown").injectNull(0.5),
                Arbitraries.of("After Meal", "Before Meal", "Fasting", "No marker", "none").injectNull(0.3),
                Arbitraries.longs().between(1_500_000_000L, 1_800_000_000L), Arbitraries.of(true, false))
                .as((values, model, mode, marker, epoch, gateway) -> {
                    Map<String, String> details = new LinkedHashMap<>();
                    if (mode != null) {
                        details.put(ObservationMapper.MODE, mode);
                    }
                    if (marker != null && kind == MeasurementKind.BLOOD_GLUCOSE) {
                        details.put(GlucoseMarker.DETAIL, marker);
                    }
                    Instant at = Instant.ofEpochSecond(epoch);
                    Instant end = kind == MeasurementKind.STEPS || kind == MeasurementKind.SLEEP
                            ? at.plusSeconds(86_400) : null;
                    return new Reading(DeviceFamily.AVA4, kind, new DeviceIdentity(IdType.BLE_MAC, "C0A1B2C3D4E5",
                            model), gateway ? SampleReadings.AVA4_BOX : null, null, at, end, values, details);
                }));
    }

    private static Arbitrary<Map<String, BigDecimal>> values(MeasurementKind kind) {
        List<String> keys = new ArrayList<>(kind.limits.keySet());
        // Any scale, and the stripped forms too (100 as 1E+2): the text HAPI prints follows the BigDecimal's form.
        Arbitrary<Integer> forms = Arbitraries.integers().between(0, 4);
        List<Arbitrary<BigDecimal>> each = new ArrayList<>();
        for (String k : keys) {
            MeasurementKind.Limits l = kind.limits.get(k);
            BigDecimal min = BigDecimal.valueOf(l.possibleMin());
            BigDecimal max = BigDecimal.valueOf(l.possibleMax());
            each.add(Combinators.combine(Arbitraries.bigDecimals().between(min, max).ofScale(3), forms)
                    .as((v, form) -> switch (form) {
                        case 0, 1, 2 -> v.setScale(form, RoundingMode.CEILING).min(max);
                        case 3 -> v.stripTrailingZeros();
                        default -> v;
                    }).injectNull(0.15));
        }
        Arbitrary<List<BigDecimal>> all = Combinators.combine(each).as(ArrayList::new);
        return all.map(list -> {
            Map<String, BigDecimal> m = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                if (list.get(i) != null) {
                    m.put(keys.get(i), list.get(i));
                }
            }
            if (kind.hasPrimaryValue() && !m.containsKey(MeasurementKind.VALUE)) {
                m.put(MeasurementKind.VALUE, BigDecimal.valueOf(kind.limits.get(MeasurementKind.VALUE).possibleMax()));
            }
            return m;
        });
    }

    private static void assertSameAsRoundTrip(Resource resource) {
        Document expected = Document.parse(FhirJson.encode(resource));
        RawBsonDocument actual = FhirBson.encode(resource);
        byte[] actualBytes = new byte[actual.getByteBuffer().remaining()];
        actual.getByteBuffer().get(actualBytes);
        assertThat(actualBytes).as("%s\nexpected %s\nactual   %s", resource.fhirType(), expected.toJson(),
                actual.toJson()).isEqualTo(bytes(expected));
    }

    private static byte[] bytes(Document d) {
        BasicOutputBuffer out = new BasicOutputBuffer();
        CODEC.encode(new BsonBinaryWriter(out), d, EncoderContext.builder().build());
        return out.toByteArray();
    }
}
