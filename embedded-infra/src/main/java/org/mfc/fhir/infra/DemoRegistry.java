package org.mfc.fhir.infra;

import java.util.Date;

import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;

/**
 * A synthetic legacy registry (legacy-db.md section 1) for local runs and tests: one patient who owns the AVA4 box
 * and blood-pressure cuff of the sample payload {@code payloads/ava4/bp_biolight.json}, spelled with the noise real
 * registry data has (case, separators, surrounding spaces). No real person.
 *
 * <p>Usage from a shell: {@code java -cp embedded-infra/target/embedded-infra.jar org.mfc.fhir.infra.DemoRegistry
 * MONGODB_URI [MAIN_DB]}.
 */
public final class DemoRegistry {

    /** The patient who owns the box and cuff of the sample payload. */
    public static final ObjectId BP_PATIENT = new ObjectId("65f000000000000000000001");
    /** The sample's box MAC as the registry stores it: lower case, surrounding spaces. */
    public static final String BP_BOX_MAC_IN_REGISTRY = " 08:f9:e0:d1:f7:b4 ";
    /** The sample's cuff MAC as the registry stores it: upper case with colons (the payload sends d616f9641622). */
    public static final String BP_CUFF_MAC_IN_REGISTRY = "D6:16:F9:64:16:22";

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private DemoRegistry() {
    }

    /** Patient, box and device documents for the blood-pressure sample. Idempotent. */
    public static void seedBloodPressurePatient(MongoDatabase main) {
        Date now = new Date();
        main.getCollection("patients").replaceOne(new Document("_id", BP_PATIENT), new Document("_id", BP_PATIENT)
                .append("first_name", "Demo").append("last_name", "Patient-One").append("gender", "female")
                .append("birth_date", new Date(0)).append("id_card", "1100000000008").append("hn_id_no", "HN-0001")
                .append("is_active", true).append("is_deleted", false).append("created_at", now), UPSERT);
        main.getCollection("amy_boxes").replaceOne(new Document("mac_address", BP_BOX_MAC_IN_REGISTRY),
                new Document("mac_address", BP_BOX_MAC_IN_REGISTRY).append("box_name", "AVA4 demo box")
                        .append("is_active", true).append("is_deleted", false)
                        .append("patient_id", BP_PATIENT.toHexString()), UPSERT);
        main.getCollection("amy_devices").replaceOne(new Document("patient_id", BP_PATIENT),
                new Document("patient_id", BP_PATIENT).append("mac_gw", BP_BOX_MAC_IN_REGISTRY)
                        .append("mac_bps", BP_CUFF_MAC_IN_REGISTRY), UPSERT);
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: DemoRegistry MONGODB_URI [MAIN_DB]");
            System.exit(2);
        }
        String db = args.length > 1 ? args[1] : "AMY";
        try (MongoClient client = MongoClients.create(args[0])) {
            seedBloodPressurePatient(client.getDatabase(db));
        }
        System.out.println("seeded the demo registry in " + db);
    }
}
