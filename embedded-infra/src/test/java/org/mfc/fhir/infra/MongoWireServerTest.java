package org.mfc.fhir.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoWireServerTest {

    @Test
    void inMemoryServerFindsWhatWasInsertedAndEnforcesUniqueIndexes() {
        try (MongoWireServer server = MongoWireServer.inMemory().start(0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            assertThat(server.connectionString()).isEqualTo("mongodb://127.0.0.1:" + server.port());
            MongoCollection<Document> observations = client.getDatabase("fhir").getCollection("observations");
            observations.createIndex(Indexes.ascending("identifier"), new IndexOptions().unique(true));
            observations.insertOne(new Document("identifier", "obs-1").append("value", 120));

            assertThat(observations.find(Filters.eq("identifier", "obs-1")).first())
                    .containsEntry("value", 120);
            assertThatThrownBy(() -> observations.insertOne(new Document("identifier", "obs-1")))
                    .isInstanceOfSatisfying(MongoWriteException.class,
                            e -> assertThat(e.getError().getCode()).isEqualTo(11000));
        }
    }

    @Test
    void fileBackedServerKeepsDataAcrossRestarts(@TempDir Path dir) {
        Path file = dir.resolve("data/mongo.mv");
        int port;
        try (MongoWireServer server = MongoWireServer.fileBacked(file).start(0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            port = server.port();
            client.getDatabase("fhir").getCollection("patients").insertOne(new Document("_id", "p-1"));
        }
        assertThat(file).exists();

        try (MongoWireServer server = MongoWireServer.fileBacked(file).start(port);
                MongoClient client = MongoClients.create(server.connectionString())) {
            assertThat(client.getDatabase("fhir").getCollection("patients").find(Filters.eq("_id", "p-1")).first())
                    .isNotNull();
        }
    }
}
