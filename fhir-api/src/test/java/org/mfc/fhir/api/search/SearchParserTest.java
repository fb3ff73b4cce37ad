package org.mfc.fhir.api.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SearchParserTest {

    private final SearchParser parser = new SearchParser(new SearchParser.Limits(50, 200, 100, 20));

    private static Map<String, List<String>> params(String... pairs) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return m;
    }

    private ObservationQuery observation(String... pairs) {
        return parser.observation(params(pairs), true).query();
    }

    @Test
    void givenDatesOfEachPrecision_whenParsed_thenTheImplicitRange() {
        assertThat(observation("date", "2025").dates()).isEqualTo(DateRange.within(
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(observation("date", "2024-02").dates().endTo()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(observation("date", "2025-04-06").dates().startFrom())
                .isEqualTo(Instant.parse("2025-04-06T00:00:00Z"));
        assertThat(observation("date", "2025-04-06T18:25+07:00").dates()).isEqualTo(DateRange.within(
                Instant.parse("2025-04-06T11:25:00Z"), Instant.parse("2025-04-06T11:26:00Z")));
        assertThat(observation("date", "2025-04-06T18:25:11.5Z").dates()).isEqualTo(DateRange.within(
                Instant.parse("2025-04-06T18:25:11.500Z"), Instant.parse("2025-04-06T18:25:11.600Z")));
    }

    /**
     * FHIR's rules for a range target (an effectivePeriod): eq contains it, ge/gt need it to end at or after the
     * value, le/lt to start before it. For an instant target they are the usual comparisons.
     */
    @Test
    void givenPrefixes_whenRepeated_thenIntersectedAsBoundsOnStartAndEnd() {
        DateRange r = observation("date", "ge2025-04-01", "date", "lt2025-04-03", "date", "gt2025-03").dates();
        assertThat(r).isEqualTo(new DateRange(null, Instant.parse("2025-04-03T00:00:00Z"),
                Instant.parse("2025-04-01T00:00:00Z"), null));
        assertThat(observation("date", "le2025-04-01").dates().startTo())
                .isEqualTo(Instant.parse("2025-04-02T00:00:00Z"));
        // Two days: nothing is within both.
        assertThat(observation("date", "2025-04-01", "date", "2025-04-03").dates().empty()).isTrue();
        assertThat(observation("date", "ge2025-04-03", "date", "2025-04-01").dates().empty()).isTrue();
        // A period covering all of 2025-04-01 starts before it and ends after it.
        assertThat(observation("date", "gt2025-04-01", "date", "lt2025-04-01").dates().empty()).isFalse();
        DateRange day = observation("date", "ge2025-04-01").dates();
        assertThat(day.lowestStart(java.time.Duration.ofHours(25))).isEqualTo(Instant.parse("2025-03-30T23:00:00Z"));
        assertThat(day.startBelow()).isNull();
    }

    @Test
    void givenBadDates_whenParsed_thenTheParameterIsNamed() {
        for (String bad : List.of("2025-13", "2025-02-30", "yesterday", "ne2025", "2025-04-06T25:00Z", "xx2025")) {
            assertThatThrownBy(() -> observation("date", bad)).as(bad).isInstanceOfSatisfying(InvalidParameter.class,
                    e -> assertThat(e.parameter()).isEqualTo("date"));
        }
    }

    @Test
    void givenTokensAndReferences_whenParsed_thenEachForm() {
        ObservationQuery q = observation("subject", "Patient/abc", "code", "http://loinc.org|85354-9,|x,8867-4,s|",
                "device", "Device/ble-1");
        assertThat(q.patientId()).isEqualTo("abc");
        assertThat(q.deviceId()).isEqualTo("ble-1");
        assertThat(q.codes()).containsExactly(new TokenValue("http://loinc.org", "85354-9"), new TokenValue("", "x"),
                new TokenValue(null, "8867-4"), new TokenValue("s", null));
        assertThatThrownBy(() -> observation("patient", "Device/abc")).isInstanceOfSatisfying(InvalidParameter.class,
                e -> assertThat(e.parameter()).isEqualTo("patient"));
        // This server's absolute URL is made relative before the parser sees it; any other prefix names another
        // server (or none) and once matched this server's patient of the same id.
        for (String elsewhere : List.of("//other.example/fhir/Patient/abc", "other.example/fhir/Patient/abc",
                "http:/other.example/fhir/Patient/abc", "foo/Patient/abc")) {
            assertThatThrownBy(() -> observation("patient", elsewhere)).as(elsewhere)
                    .isInstanceOfSatisfying(InvalidParameter.class, e -> {
                        assertThat(e.parameter()).isEqualTo("patient");
                        assertThat(e.getMessage()).contains("another server");
                    });
        }
        assertThatThrownBy(() -> observation("device", "x/Device/ble-1")).isInstanceOf(InvalidParameter.class);
        assertThatThrownBy(() -> observation("patient", "a", "subject", "b")).isInstanceOf(InvalidParameter.class);
        assertThatThrownBy(() -> observation("code", "a", "code", "b")).isInstanceOfSatisfying(
                InvalidParameter.class, e -> assertThat(e.parameter()).isEqualTo("code"));
    }

    @Test
    void givenGroupedImeisAndPrintedCitizenIds_whenSpelled_thenTheirDigitsToo() {
        assertThat(SearchParser.spellings(new TokenValue("urn:gsma:imei", "86-5067-1234-56789")))
                .containsExactly(new TokenValue("urn:gsma:imei", "865067123456789"));
        assertThat(SearchParser.spellings(new TokenValue(null, "86 5067 1234 56789")))
                .contains(new TokenValue(null, "865067123456789"));
        assertThat(SearchParser.spellings(new TokenValue(null, "1-1000-00000-01-6")))
                .containsExactly(new TokenValue(null, "1-1000-00000-01-6"), new TokenValue(null, "1100000000016"));
        // Neither: only the value as given.
        assertThat(SearchParser.spellings(new TokenValue(null, "HN-0001")))
                .containsExactly(new TokenValue(null, "HN-0001"));
    }

    @Test
    void givenCursor_whenRoundTripped_thenSamePosition() {
        PageCursor c = new PageCursor(Instant.parse("2025-04-06T18:25:11Z"), "0123abcd");
        assertThat(observation("_cursor", c.encode()).after()).isEqualTo(c);
        assertThatThrownBy(() -> observation("_cursor", new PageCursor(null, "x").encode()))
                .isInstanceOf(InvalidParameter.class);
    }

    @Test
    void givenUnknownParameter_whenStrict_thenRefused_whenLenient_thenLeftOutOfTheLinks() {
        assertThatThrownBy(() -> parser.observation(params("colour", "blue"), true))
                .isInstanceOfSatisfying(InvalidParameter.class, e -> assertThat(e.parameter()).isEqualTo("colour"));
        var lenient = parser.observation(params("colour", "blue", "patient", "p", "_count", "500"), false);
        assertThat(lenient.applied()).containsExactly(Map.entry("patient", "p"), Map.entry("_count", "200"));
    }

    @Test
    void givenTooManyValues_whenParsed_thenRefused() {
        String many = String.join(",", java.util.Collections.nCopies(21, "x"));
        assertThatThrownBy(() -> observation("code", many)).isInstanceOf(InvalidParameter.class);
        assertThatThrownBy(() -> observation("code", "x".repeat(600))).isInstanceOf(InvalidParameter.class);
    }
}
