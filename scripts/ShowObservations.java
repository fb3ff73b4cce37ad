import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.json.JsonWriterSettings;

/**
 * Prints the newest stored Observations (the R5 resource under resource_data) from the FHIR database.
 * Run by scripts/show-observations.sh with the MongoDB driver on the class path.
 * Arguments: MONGODB_URI FHIR_DB LIMIT [INGEST_ID]
 */
public class ShowObservations {
    public static void main(String[] args) {
        String uri = args[0];
        String db = args[1];
        int limit = Integer.parseInt(args[2]);
        JsonWriterSettings pretty = JsonWriterSettings.builder().indent(true).build();
        try (MongoClient client = MongoClients.create(uri)) {
            var observations = client.getDatabase(db).getCollection("fhir_observations");
            var query = args.length > 3 ? observations.find(Filters.eq("source_message_id", args[3]))
                    : observations.find();
            int n = 0;
            for (Document d : query.sort(Sorts.descending("recorded_datetime")).limit(limit)) {
                System.out.println(d.get("resource_data", Document.class).toJson(pretty));
                n++;
            }
            System.err.println(n + " Observation(s) shown; " + observations.countDocuments() + " stored in " + db);
        }
    }
}
