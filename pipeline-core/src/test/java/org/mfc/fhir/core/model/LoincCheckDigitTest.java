package org.mfc.fhir.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mfc.fhir.core.json.Json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every LOINC code the pipeline writes has a valid check digit (LOINC's mod-10 algorithm, the digit after the
 * hyphen): a typo such as {@code 61006-6} for the perfusion index {@code 61006-3} is caught here, not by a clinician.
 * The codes are those of the kind table (kinds and components) and every LOINC coding in the golden resources,
 * which holds the codes the mappers add beside the table's (pulse oximetry, heart rate by pulse oximetry).
 */
class LoincCheckDigitTest {

    /** LOINC's check digit: Luhn over the digits before the hyphen. */
    static boolean validCheckDigit(String code) {
        int hyphen = code.indexOf('-');
        if (hyphen < 1 || hyphen != code.length() - 2 || !code.substring(0, hyphen).chars().allMatch(
                Character::isDigit) || !Character.isDigit(code.charAt(hyphen + 1))) {
            return false;
        }
        int sum = 0;
        boolean twice = true;
        for (int i = hyphen - 1; i >= 0; i--) {
            int d = code.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return (10 - sum % 10) % 10 == code.charAt(hyphen + 1) - '0';
    }

    static Stream<String> tableCodes() {
        List<String> codes = new ArrayList<>();
        for (MeasurementKind k : MeasurementKind.values()) {
            if (Systems.LOINC.equals(k.system)) {
                codes.add(k.code);
            }
            for (MeasurementKind.Component c : k.components) {
                if (Systems.LOINC.equals(c.system())) {
                    codes.add(c.code());
                }
            }
        }
        return codes.stream().distinct();
    }

    static Stream<String> goldenCodes() throws IOException {
        TreeSet<String> codes = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/golden"))) {
            for (Path f : files.toList()) {
                collect(Json.mapper().readTree(Files.readString(f)), codes);
            }
        }
        return codes.stream();
    }

    private static void collect(JsonNode node, TreeSet<String> into) {
        if (node.isObject()) {
            if (Systems.LOINC.equals(node.path("system").asText()) && node.has("code")) {
                into.add(node.get("code").asText());
            }
            node.forEach(child -> collect(child, into));
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, into));
        }
    }

    @ParameterizedTest
    @MethodSource("tableCodes")
    void givenCodeOfTheKindTable_whenChecked_thenItsCheckDigitIsRight(String code) {
        assertThat(validCheckDigit(code)).as("LOINC %s", code).isTrue();
    }

    @ParameterizedTest
    @MethodSource("goldenCodes")
    void givenLoincCodingOfAWrittenResource_whenChecked_thenItsCheckDigitIsRight(String code) {
        assertThat(validCheckDigit(code)).as("LOINC %s", code).isTrue();
    }

    @Test
    void givenKnownCodesAndTypos_whenChecked_thenOnlyTheRightCheckDigitPasses() {
        assertThat(validCheckDigit("61006-3")).isTrue();
        assertThat(validCheckDigit("8867-4")).isTrue();
        assertThat(validCheckDigit("85354-9")).isTrue();
        assertThat(validCheckDigit("61006-6")).isFalse();
        assertThat(validCheckDigit("8867-5")).isFalse();
        assertThat(validCheckDigit("8867")).isFalse();
        assertThat(validCheckDigit("x867-4")).isFalse();
    }
}
