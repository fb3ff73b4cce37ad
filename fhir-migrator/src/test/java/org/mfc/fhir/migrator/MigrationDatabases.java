package org.mfc.fhir.migrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bson.Document;
import org.mfc.fhir.infra.MongoWireServer;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

/**
 * A Mongo wire server with a legacy and a FHIR database for one test class, and helpers to snapshot databases.
 * Each test uses its own database names, so tests of a class do not see each other's data.
 */
final class MigrationDatabases implements AutoCloseable {

    final MongoWireServer server;
    final MongoClient client;

    MigrationDatabases() {
        this.server = MongoWireServer.inMemory().start(0);
        this.client = MongoClients.create(server.connectionString());
    }

    static MigrationSettings settings(String mainDb, String fhirDb, Path reportDir, int batchSize) {
        return new MigrationSettings(mainDb, fhirDb, batchSize, reportDir, 0.05, Duration.ofSeconds(5), 2, 20_000,
                2);
    }

    MongoDatabase db(String name) {
        return client.getDatabase(name);
    }

    /** Every document of every collection of a database, by collection name, in _id order. */
    Map<String, List<Document>> snapshot(String database) {
        Map<String, List<Document>> out = new TreeMap<>();
        MongoDatabase db = client.getDatabase(database);
        for (String c : db.listCollectionNames()) {
            out.put(c, db.getCollection(c).find().sort(new Document("_id", 1)).into(new ArrayList<>()));
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
