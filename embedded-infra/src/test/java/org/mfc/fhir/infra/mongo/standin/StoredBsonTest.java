package org.mfc.fhir.infra.mongo.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class StoredBsonTest {

    private static byte[] stock(Document document) {
        ByteBuf buffer = Unpooled.buffer(256);
        BsonEncoder.encodeDocument(document, buffer);
        byte[] bson = new byte[buffer.readableBytes()];
        buffer.readBytes(bson);
        return bson;
    }

    private static Document everyType(int i) {
        List<Object> longArray = new ArrayList<>();
        for (int k = 0; k < 1500; k++) {
            longArray.add(k % 3 == 0 ? "v" + k : k);
        }
        return new Document("_id", "d" + i).append("int", i).append("long", 5_000_000_000L + i)
                .append("double", i / 3.0).append("flag", i % 2 == 0).append("none", null)
                .append("when", Instant.ofEpochMilli(1_700_000_000_000L + i)).append("oid", new ObjectId())
                .append("text", "ก" + i + " é \uD83D\uDE00").append("bad surrogate", "x\uD800y")
                .append("bytes", new BinData(new byte[] {1, 2, 3})).append("uuid", new UUID(i, 42L))
                .append("decimal", new Decimal128(7L, 9L)).append("regex", new BsonRegularExpression("^a.*", "i"))
                .append("ts", new BsonTimestamp(12345L)).append("min", MinKey.getInstance())
                .append("max", MaxKey.getInstance())
                .append("set", new LinkedHashSet<>(List.of("x", "y", "z")))
                .append("list", List.of(1, "two", new Document("three", 3.0), List.of(List.of(i), List.of())))
                .append("long array", longArray)
                .append("nested", new Document("a", new Document("b", List.of(new Document("c", null)))))
                .append("empty", new Document());
    }

    @Test
    void givenDocumentsOfEveryValueType_whenEncoded_thenBytesAreTheStockEncodersAndDecodeBack() {
        for (int i = 0; i < 5; i++) {
            Document doc = everyType(i);
            byte[] bson = StoredBson.encode(doc);
            assertThat(bson).isEqualTo(stock(doc));
            assertThat(BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson)).get("long array"))
                    .isEqualTo(doc.get("long array"));
        }
    }

    @Test
    void givenADocumentOverTheKeptBufferSize_whenEncodedBetweenSmallOnes_thenEachIsComplete() {
        Document small = new Document("_id", 1).append("v", "small");
        Document big = new Document("_id", 2).append("v", "x".repeat(3 << 20));
        assertThat(StoredBson.encode(small)).isEqualTo(stock(small));
        assertThat(StoredBson.encode(big)).isEqualTo(stock(big)).hasSize(stock(big).length);
        assertThat(StoredBson.encode(small)).isEqualTo(stock(small));
    }
}
