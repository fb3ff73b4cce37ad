package org.mfc.fhir.infra.mongo.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.backend.DefaultQueryMatcher;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * {@link PlainQueryMatch} must answer as mongo-java-server's matcher does whenever it answers at all: random
 * documents (values of every shape at the queried paths) against random queries of the decided shapes and of
 * neighbouring undecided ones.
 */
class PlainQueryMatchTest {

    private static final ObjectId P1 = new ObjectId();
    private static final ObjectId P2 = new ObjectId();

    private final DefaultQueryMatcher stock = new DefaultQueryMatcher();
    private final Random random = new Random(5);

    @Test
    void givenRandomDocumentsAndQueries_whenDecided_thenAnswerIsTheStockMatchers() {
        int decided = 0;
        int matched = 0;
        for (int i = 0; i < 20_000; i++) {
            Document document = randomDocument();
            Document query = randomQuery();
            Boolean plain = PlainQueryMatch.matches(document, query);
            if (plain != null) {
                decided++;
                matched += plain ? 1 : 0;
                assertThat(plain).as("%s against %s", query, document).isEqualTo(stock.matches(document, query));
            }
        }
        // The comparison means something only if both answers occur often.
        assertThat(decided).isGreaterThan(5_000);
        assertThat(matched).isGreaterThan(1_000).isLessThan(decided - 1_000);
    }

    @Test
    void givenTheLegacyAppendGuard_whenBucketHoldsOnlyPlainEntries_thenDecidedHere() {
        Document bucket = new Document("patient_id", P1).append("data", new ArrayList<>(List.of(
                new Document("fhir_observation_id", "a").append("systolic", 120),
                new Document("fhir_observation_id", "b").append("systolic", 130))));
        Document guardNew = guard(P1, "c");
        Document guardPresent = guard(P1, "b");

        assertThat(PlainQueryMatch.matches(bucket, guardNew)).isTrue();
        assertThat(PlainQueryMatch.matches(bucket, guardPresent)).isFalse();
        assertThat(PlainQueryMatch.matches(bucket, guard(P2, "c"))).isFalse();
    }

    @Test
    void givenRegistryLookUp_whenFieldsAreStringsOrBooleans_thenDecidedHere() {
        BsonRegularExpression mac = new BsonRegularExpression("^\\s*AA[:\\-.]?BB\\s*$", "i");
        Document lookUp = new Document("$and", List.of(
                new Document("$or", List.of(new Document("mac_bps", mac), new Document("mac_gluc", mac))),
                new Document("is_deleted", new Document("$ne", true))));

        assertThat(PlainQueryMatch.matches(new Document("mac_bps", " aa:bb ").append("is_deleted", false), lookUp))
                .isTrue();
        assertThat(PlainQueryMatch.matches(new Document("mac_gluc", "AABB").append("is_deleted", true), lookUp))
                .isFalse();
        assertThat(PlainQueryMatch.matches(new Document("mac_bps", "AACC"), lookUp)).isFalse();
    }

    @Test
    void givenOperatorsNotDecidedHere_whenMatched_thenLeftToTheStockMatcher() {
        Document document = new Document("patient_id", P1).append("n", 3);
        assertThat(PlainQueryMatch.matches(document, new Document("n", new Document("$lt", 5)))).isNull();
        assertThat(PlainQueryMatch.matches(document, new Document("$or", List.of(new Document("n", 3))))).isNull();
        assertThat(PlainQueryMatch.matches(document, new Document("$nor", List.of(new Document("n", "x"))))).isNull();
        assertThat(PlainQueryMatch.matches(document, new Document("patient_id", P1)
                .append("$where", "true"))).isNull();
        assertThat(PlainQueryMatch.matches(document, new Document())).isNull();
    }

    private static Document guard(ObjectId patient, String entryId) {
        return new Document("$and", List.of(new Document("patient_id", patient),
                new Document("data.fhir_observation_id", new Document("$ne", entryId))));
    }

    private Document randomDocument() {
        Document d = new Document("_id", new ObjectId());
        putMaybe(d, "patient_id", this::randomScalar);
        putMaybe(d, "date_tag", this::randomScalar);
        putMaybe(d, "data", this::randomData);
        putMaybe(d, "mac", () -> pick(" aa:bb ", "AABB", "AA-BB-", "x", null, 7, new ArrayList<>(List.of("AABB"))));
        putMaybe(d, "flag", () -> pick(true, false, "true", null, 1));
        return d;
    }

    private void putMaybe(Document d, String field, java.util.function.Supplier<Object> value) {
        if (random.nextInt(6) > 0) {
            d.put(field, value.get());
        }
    }

    private Object pick(Object... values) {
        return values[random.nextInt(values.length)];
    }

    private Object randomScalar() {
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> P1;
            case 3 -> P2;
            case 4 -> "x";
            case 5 -> "y";
            case 6 -> null;
            case 7 -> 7;
            case 8 -> new ArrayList<>(List.of("x", P1));
            default -> new Document("k", "x");
        };
    }

    private Object randomData() {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "x";
            case 2 -> new Document("e", randomEntryId());
            default -> {
                List<Object> entries = new ArrayList<>();
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    entries.add(switch (random.nextInt(12)) {
                        case 0 -> "x";
                        case 1 -> new ArrayList<>(List.of(new Document("e", "x")));
                        case 2 -> new Document("other", 1);
                        default -> new Document("e", randomEntryId());
                    });
                }
                yield entries;
            }
        };
    }

    private Object randomEntryId() {
        return switch (random.nextInt(12)) {
            case 0 -> null;
            case 1 -> 7;
            case 2 -> new ArrayList<>(List.of("x"));
            case 3 -> P1;
            case 4, 5, 6 -> "x";
            default -> "y";
        };
    }

    private Document randomQuery() {
        int terms = 1 + random.nextInt(3);
        List<Document> parts = new ArrayList<>();
        for (int i = 0; i < terms; i++) {
            parts.add(randomTerm());
        }
        if (random.nextBoolean()) {
            return new Document("$and", parts);
        }
        Document flat = new Document();
        parts.forEach(flat::putAll);
        return flat;
    }

    private Document randomTerm() {
        return switch (random.nextInt(4)) {
            case 0 -> switch (random.nextInt(5)) {
                case 0 -> new Document("mac", new BsonRegularExpression("^\\s*AA[:\\-.]?BB\\s*$", "i"));
                case 1 -> new Document("mac", new BsonRegularExpression("^\\s*AA[:\\-.]?BB\\s*$", ""));
                case 2 -> new Document("flag", new Document("$ne", true));
                case 3 -> new Document("flag", random.nextBoolean());
                default -> new Document("data.e", new BsonRegularExpression("x", ""));
            };
            case 1 -> new Document("$or", List.of(randomPlainTerm(), randomPlainTerm()));
            default -> randomPlainTerm();
        };
    }

    private Document randomPlainTerm() {
        Object value = random.nextInt(3) == 0 ? (random.nextBoolean() ? P1 : P2) : (random.nextBoolean() ? "x" : "y");
        return switch (random.nextInt(9)) {
            case 0, 1 -> new Document("patient_id", value);
            case 2 -> new Document("date_tag", value);
            case 3, 4 -> new Document("data.e", new Document("$ne", value));
            case 5 -> new Document("data", new Document("$ne", value));
            case 6 -> new Document("data.e", value);
            case 7 -> new Document("data.0.e", new Document("$ne", value));
            default -> new Document("patient_id", new Document("$ne", value));
        };
    }
}
