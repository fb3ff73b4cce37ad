package org.mfc.fhir.core.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.hl7.fhir.r5.model.Observation;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;

class ObservationMapperTest {

    private static final Instant RECEIVED = Instant.parse("2025-04-06T18:25:20.123Z");
    private static final String PATIENT = "65f000000000000000000001";

    private Reading bloodPressure() {
        return new Parsers().parse(DeviceFamily.AVA4, Fixtures.json("ava4/bp_biolight.json"), null, RECEIVED)
                .readings().get(0);
    }

    @Test
    void givenBloodPressureWithPulse_whenMapped_thenPanelAndSeparateHeartRateWithCanonicalTimes() throws Exception {
        List<MappedResource> mapped = new ObservationMapper().map(bloodPressure(), PATIENT, RECEIVED);

        assertThat(mapped).hasSize(2);
        JsonNode bp = Json.mapper().readTree(FhirJson.encode(mapped.get(0).resource()));
        assertThat(bp.at("/code/coding/0/code").asText()).isEqualTo("85354-9");
        assertThat(bp.at("/component/0/code/coding/0/code").asText()).isEqualTo("8480-6");
        assertThat(bp.at("/component/0/valueQuantity/value").asInt()).isEqualTo(137);
        assertThat(bp.at("/component/0/valueQuantity/code").asText()).isEqualTo("mm[Hg]");
        assertThat(bp.at("/component/1/code/coding/0/code").asText()).isEqualTo("8462-4");
        assertThat(bp.at("/component/1/valueQuantity/value").asInt()).isEqualTo(95);
        assertThat(bp.at("/effectiveDateTime").asText()).isEqualTo("2025-04-06T18:25:11Z");
        assertThat(bp.at("/issued").asText()).isEqualTo("2025-04-06T18:25:20.123Z");
        assertThat(bp.at("/subject/reference").asText()).isEqualTo("Patient/" + PATIENT);
        assertThat(bp.at("/device/reference").asText()).isEqualTo("Device/ble-D616F9641622");
        assertThat(bp.has("valueQuantity")).isFalse();

        JsonNode hr = Json.mapper().readTree(FhirJson.encode(mapped.get(1).resource()));
        assertThat(hr.at("/code/coding/0/code").asText()).isEqualTo("8867-4");
        assertThat(hr.at("/valueQuantity/value").asInt()).isEqualTo(74);
        assertThat(hr.at("/valueQuantity/code").asText()).isEqualTo("/min");
        assertThat(hr.at("/valueQuantity/system").asText()).isEqualTo("http://unitsofmeasure.org");
        assertThat(mapped.get(0).id()).isNotEqualTo(mapped.get(1).id());
    }

    @Test
    void givenSameReadingTwice_whenMapped_thenSameIds() {
        List<MappedResource> a = new ObservationMapper().map(bloodPressure(), PATIENT, RECEIVED);
        List<MappedResource> b = new ObservationMapper().map(bloodPressure(), PATIENT, RECEIVED.plusSeconds(60));
        assertThat(a).extracting(MappedResource::id).containsExactlyElementsOf(b.stream().map(MappedResource::id)
                .toList());
        assertThat(((Observation) a.get(0).resource()).getIdentifierFirstRep().getValue())
                .isEqualTo("ble-D616F9641622|" + PATIENT + "|85354-9|1743963911|137 mm[Hg];95 mm[Hg]");
    }
}
