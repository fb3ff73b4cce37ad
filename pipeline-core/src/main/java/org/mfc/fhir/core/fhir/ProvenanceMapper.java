package org.mfc.fhir.core.fhir;

import java.time.Instant;
import java.util.List;

import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.Provenance;
import org.hl7.fhir.r5.model.Reference;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.Systems;

/**
 * One Provenance per stored message (fhir-r5-mapping.md section 6): who sent what, when, for which patient.
 * Agents are the measuring device (author) and the authenticated API client that posted the message (informant);
 * targets are the message's Observations; the ingest id is the source entity. The id is a function of the message
 * id, so a replay of the message lands on the same document. Pure: no I/O.
 */
public final class ProvenanceMapper {

    static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    /** Authenticated API clients (token subjects). */
    public static final String CLIENT_ID = Systems.PROJECT_BASE + "/sid/client-id";

    /**
     * @param messageId    {@code ingestId:seq}, the identity of the message across retries and replays
     * @param devices      the measuring devices of the message
     * @param patientId    the patient, or null when the message names several
     * @param observations ids of the Observations the message produced, in order
     * @param receivedAt   when the API received the message: the Provenance's {@code recorded} time
     */
    public MappedResource map(String messageId, String ingestId, String clientId, List<DeviceIdentity> devices,
            String patientId, List<String> observations, Instant receivedAt) {
        Provenance p = new Provenance();
        String id = provenanceId(messageId);
        p.setId(id);
        p.getMeta().addSecurity(new Coding(Systems.CONFIDENTIALITY, "N", "normal"));
        MappingVersion.tag(p);
        for (String observationId : observations) {
            p.addTarget(new Reference("Observation/" + observationId));
        }
        p.setRecordedElement(FhirJson.instant(receivedAt));
        if (patientId != null) {
            p.setPatient(new Reference("Patient/" + patientId));
        }
        for (DeviceIdentity device : devices) {
            Provenance.ProvenanceAgentComponent author = p.addAgent();
            author.getType().addCoding(PARTICIPANT_TYPE, "author", "Author");
            author.setWho(new Reference("Device/" + DeterministicIds.deviceId(device)));
        }
        if (clientId != null && !clientId.isBlank()) {
            Provenance.ProvenanceAgentComponent client = p.addAgent();
            client.getType().addCoding(PARTICIPANT_TYPE, "informant", "Informant");
            Reference who = new Reference();
            who.getIdentifier().setSystem(CLIENT_ID).setValue(clientId);
            who.setDisplay("API client " + clientId);
            client.setWho(who);
        }
        Provenance.ProvenanceEntityComponent entity = p.addEntity();
        entity.setRole(Provenance.ProvenanceEntityRole.SOURCE);
        Reference what = new Reference();
        what.getIdentifier().setSystem(Systems.INGEST_ID).setValue(ingestId);
        what.setDisplay("ingest message " + messageId);
        entity.setWhat(what);
        return new MappedResource(p, patientId, devices.isEmpty() ? null : DeterministicIds.deviceId(devices.get(0)),
                null, null);
    }

    /** 32 hex digits of SHA-256 over the message id. */
    public static String provenanceId(String messageId) {
        return DeterministicIds.sha256Hex("provenance|" + messageId).substring(0, 32);
    }
}
