package org.mfc.fhir.core.fhir;

import java.util.ArrayList;
import java.util.List;

import org.mfc.fhir.core.model.Reading;

/** Everything the pipeline writes for one reading of a message: Observations, Devices and the Provenance. */
final class MappedReadings {

    static final String MESSAGE_ID = "ing-0001:0";
    static final String INGEST_ID = "ing-0001";
    static final String CLIENT_ID = "ava4-gateway-client";

    private MappedReadings() {
    }

    static List<MappedResource> of(Reading reading) {
        List<MappedResource> out = new ArrayList<>();
        List<MappedResource> observations = new ObservationMapper().map(reading, SampleReadings.PATIENT,
                SampleReadings.RECEIVED);
        out.addAll(observations);
        out.addAll(new DeviceMapper().map(reading));
        out.add(new ProvenanceMapper().map(MESSAGE_ID, INGEST_ID, CLIENT_ID, List.of(reading.device()),
                SampleReadings.PATIENT, observations.stream().map(MappedResource::id).toList(),
                SampleReadings.RECEIVED));
        return out;
    }
}
