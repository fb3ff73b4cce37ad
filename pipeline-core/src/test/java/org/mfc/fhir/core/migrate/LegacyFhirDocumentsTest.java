package org.mfc.fhir.core.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class LegacyFhirDocumentsTest {

    @Test
    void givenSameContentInAnotherFieldOrder_whenHashed_thenSameHashAndAChangedValueChangesIt() {
        Document a = new Document("x", 1).append("y", new Document("b", List.of(1, 2)).append("a", "t"));
        Document b = new Document("y", new Document("a", "t").append("b", List.of(1, 2))).append("x", 1);
        Document c = new Document("x", 1).append("y", new Document("a", "t").append("b", List.of(2, 1)));

        assertThat(LegacyFhirDocuments.contentHash(a)).isEqualTo(LegacyFhirDocuments.contentHash(b));
        assertThat(LegacyFhirDocuments.contentHash(a)).isNotEqualTo(LegacyFhirDocuments.contentHash(c));
    }

    @Test
    void givenRawObservationWithoutId_whenConverted_thenEnvelopeKeyedBySourceIdAndDeterministic() {
        ObjectId source = new ObjectId("67b000000000000000000009");
        Document raw = new Document("_id", source).append("resourceType", "Observation").append("status", "final")
                .append("subject", new Document("reference", "Patient/p9"));

        Document first = LegacyFhirDocuments.toTarget(raw, "AMY", "fhir_observations");
        Document second = LegacyFhirDocuments.toTarget(raw, "AMY", "fhir_observations");

        assertThat(first.get("_id")).isEqualTo(source.toHexString());
        assertThat(first.getString("resource_id")).isEqualTo(source.toHexString());
        assertThat(first.getString("patient_id")).isEqualTo("p9");
        assertThat(first.get("resource_data", Document.class)).doesNotContainKey("_id");
        assertThat(first).isEqualTo(second);
        assertThat(LegacyFhirDocuments.shape(new Document("foo", 1))).isEqualTo(LegacyFhirDocuments.Shape.UNRECOGNISED);
        assertThat(LegacyFhirDocuments.toTarget(new Document("foo", 1), "AMY", "fhir_observations")).isNull();
    }
}
