package org.mfc.fhir.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;

import com.fasterxml.jackson.core.JsonProcessingException;

class ReadingsCodecTest {

    @Test
    void givenJsonNull_whenDecoded_thenRefusedLikeAnyValueThatIsNotARecord() {
        // Jackson reads the value `null` as a null object; a caller would then fail far from the cause.
        assertThatThrownBy(() -> ReadingsCodec.decode("null")).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("not an ingest record");
        assertThatThrownBy(() -> ReadingsCodec.decode(" null ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> ReadingsCodec.decode("{}")).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void givenRecord_whenEncodedAndDecoded_thenEqual() throws Exception {
        IngestRecord record = new IngestRecord("ing-1", 0, DeviceFamily.AVA4, null, "08:F9:E0:D1:F7:B4",
                "box-08F9E0D1F7B4", "2026-12-07T10:00:00Z", Json.mapper().readTree("{\"mac\":\"08F9E0D1F7B4\"}"));
        assertThat(ReadingsCodec.decode(ReadingsCodec.encode(record))).isEqualTo(record);
    }
}
