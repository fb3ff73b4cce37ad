package org.mfc.fhir.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;

/**
 * The classification of real-MongoDB failures, several of which the test stand-in never produces (write-concern
 * errors inside a bulk write, not-primary and shutdown codes, client-side timeouts): built as the driver builds them.
 */
class MongoErrorsTest {

    private static final ServerAddress SERVER = new ServerAddress("db.example", 27017);

    private static MongoBulkWriteException bulk(WriteConcernError concern, int... codes) {
        List<BulkWriteError> errors = new java.util.ArrayList<>();
        for (int i = 0; i < codes.length; i++) {
            errors.add(new BulkWriteError(codes[i], "error " + codes[i], new BsonDocument(), i));
        }
        return new MongoBulkWriteException(BulkWriteResult.unacknowledged(), errors, concern, SERVER, Set.of());
    }

    private static MongoCommandException command(int code) {
        return new MongoCommandException(new BsonDocument("ok", new BsonInt32(0)).append("code",
                new BsonInt32(code)).append("errmsg", new BsonString("error " + code)), SERVER);
    }

    @Test
    void givenWriteConcernErrorInsideABulkWrite_whenClassified_thenTransient() {
        WriteConcernError timeout = new WriteConcernError(64, "WriteConcernFailed", "waiting for replication timed out",
                new BsonDocument());
        assertThat(MongoErrors.kind(bulk(timeout))).isEqualTo(MongoErrors.Kind.TRANSIENT);
        assertThat(MongoErrors.kind(bulk(timeout, 11000))).isEqualTo(MongoErrors.Kind.TRANSIENT);
    }

    @Test
    void givenNotPrimaryShutdownAndInterruptedCodes_whenClassified_thenTransient() {
        for (int code : new int[] {10107, 13435, 13436, 189, 91, 11600, 11602, 262, 50, 6, 7, 89, 9001, 13, 18}) {
            assertThat(MongoErrors.kind(command(code))).as("command code %d", code)
                    .isEqualTo(MongoErrors.Kind.TRANSIENT);
            assertThat(MongoErrors.kind(bulk(null, 11000, code))).as("bulk code %d", code)
                    .isEqualTo(MongoErrors.Kind.TRANSIENT);
        }
    }

    @Test
    void givenClientSideTimeoutsAndSockets_whenClassified_thenTransient() {
        assertThat(MongoErrors.kind(new MongoSocketReadTimeoutException("read timed out", SERVER, null)))
                .isEqualTo(MongoErrors.Kind.TRANSIENT);
        assertThat(MongoErrors.kind(new MongoOperationTimeoutException("timeoutMS expired")))
                .isEqualTo(MongoErrors.Kind.TRANSIENT);
        assertThat(MongoErrors.kind(new MongoTimeoutException("no server selected")))
                .isEqualTo(MongoErrors.Kind.TRANSIENT);
        assertThat(MongoErrors.kind(new RuntimeException("wrapped", new MongoTimeoutException("x"))))
                .isEqualTo(MongoErrors.Kind.TRANSIENT);
        assertThat(MongoErrors.kind(new IllegalStateException("state should be: open")))
                .isEqualTo(MongoErrors.Kind.TRANSIENT);
        MongoException labelled = new MongoException(999_999, "overloaded");
        labelled.addLabel("RetryableWriteError");
        assertThat(MongoErrors.kind(labelled)).isEqualTo(MongoErrors.Kind.TRANSIENT);
    }

    @Test
    void givenDocumentRefusals_whenClassified_thenPerRecord() {
        assertThat(MongoErrors.kind(bulk(null, 10334))).isEqualTo(MongoErrors.Kind.PER_RECORD);
        assertThat(MongoErrors.kind(bulk(null, 11000, 17419))).isEqualTo(MongoErrors.Kind.PER_RECORD);
        assertThat(MongoErrors.kind(new MongoWriteException(new WriteError(52, "$-prefixed field",
                new BsonDocument()), SERVER, Set.of()))).isEqualTo(MongoErrors.Kind.PER_RECORD);
        assertThat(MongoErrors.kind(command(2))).isEqualTo(MongoErrors.Kind.PER_RECORD);
    }

    @Test
    void givenUnknownCodesAndNonDatabaseFailures_whenClassified_thenUnknown() {
        assertThat(MongoErrors.kind(command(424242))).isEqualTo(MongoErrors.Kind.UNKNOWN);
        assertThat(MongoErrors.kind(bulk(null, 424242))).isEqualTo(MongoErrors.Kind.UNKNOWN);
        assertThat(MongoErrors.kind(new IllegalArgumentException("hexString has 24 characters")))
                .isEqualTo(MongoErrors.Kind.UNKNOWN);
        assertThat(MongoErrors.isTransient(new NullPointerException())).isFalse();
    }
}
