package org.mfc.fhir.core.legacy;

import static org.mfc.fhir.core.legacy.LegacyNames.EMERGENCY_ALARM;
import static org.mfc.fhir.core.legacy.LegacyNames.IMEI;
import static org.mfc.fhir.core.legacy.LegacyNames.PATIENT_ID;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.parse.AlertNotice;
import org.mfc.fhir.core.store.FieldNames;
import org.mfc.fhir.core.store.MongoErrors;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;

/**
 * Watch alarms (SOS, fall) in the legacy {@code emergency_alarm} collection, in the shape the legacy application's
 * responders read (legacy-db.md section 2). The {@code _id} is derived from the alert id, so a redelivered or replayed
 * alert is written once; a responder's later changes ({@code status}, {@code processed}) are never overwritten.
 */
public final class EmergencyAlarmStore {

    private final MongoDatabase main;

    public EmergencyAlarmStore(MongoDatabase main) {
        this.main = main;
    }

    /** The legacy document id of an alert: the first 12 bytes of its hex alert id. */
    public static ObjectId alarmId(String alertId) {
        return new ObjectId(HexFormat.of().parseHex(alertId.substring(0, 24)));
    }

    /**
     * The alert's location (already reduced to a known shape by the parser) as BSON values. Built member by member,
     * never through extended-JSON parsing, which would read a device's {@code {"$oid": ...}} as an operator.
     */
    static Object location(AlertNotice a) {
        return a.location() == null ? null : bson(a.location());
    }

    private static Object bson(JsonNode node) {
        if (node.isObject()) {
            Document doc = new Document();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!FieldNames.safe(e.getKey())) {
                    throw new IllegalArgumentException("alert location member name is not a safe field name");
                }
                doc.append(e.getKey(), bson(e.getValue()));
            }
            return doc;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(n -> list.add(bson(n)));
            return list;
        }
        if (node.isNumber()) {
            return node.isIntegralNumber() && node.canConvertToInt() ? node.intValue() : node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.isNull() ? null : node.asText();
    }

    /** Writes each alert whose patient is known; returns how many documents were new. */
    public int insertIfAbsent(List<AlertNotice> alerts, Instant now) {
        List<WriteModel<Document>> writes = new ArrayList<>();
        for (AlertNotice a : alerts) {
            if (a.patientId() == null) {
                continue;
            }
            Document alertData = new Document("status", a.status())
                    .append("location", location(a))
                    .append(IMEI, a.deviceId())
                    .append("timestamp", Date.from(a.time()))
                    .append("priority", a.priority());
            Document fields = new Document(PATIENT_ID, new ObjectId(a.patientId()))
                    .append("alert_type", a.type())
                    .append("alert_data", alertData)
                    .append("status", "ACTIVE")
                    .append("created_at", Date.from(now))
                    .append("processed", false)
                    .append("alert_id", a.alertId());
            writes.add(new UpdateOneModel<>(Filters.eq("_id", alarmId(a.alertId())),
                    new Document("$setOnInsert", fields), new UpdateOptions().upsert(true)));
        }
        if (writes.isEmpty()) {
            return 0;
        }
        return MongoErrors.call("write emergency_alarm", () -> {
            try {
                return main.getCollection(EMERGENCY_ALARM).bulkWrite(writes, new BulkWriteOptions().ordered(false))
                        .getUpserts().size();
            } catch (MongoBulkWriteException e) {
                if (MongoErrors.onlyDuplicateKeys(e)) {
                    return e.getWriteResult().getUpserts().size();
                }
                throw e;
            }
        });
    }
}
