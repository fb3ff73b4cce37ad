package org.mfc.fhir.infra.mongo.standin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.BsonConstants;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Encodes a stored document to BSON, byte for byte what mongo-java-server's {@link BsonEncoder#encodeDocument}
 * writes, at a fraction of its cost: that encoder looks every value up again by key, turns each array into a map
 * keyed {@code "0"}, {@code "1"}, ... before writing it, and grows a fresh buffer from 256 bytes for every document.
 * In a bulk insert of FHIR documents (nested arrays of codings) those three made re-encoding for storage the largest
 * cost of the stand-in. Here maps are walked by entry, arrays are written directly, and each thread reuses one
 * buffer. Scalars go through {@link BsonEncoder#encodeValue(byte, Object, ByteBuf)}, so their encoding is the stock
 * one; the type of every value comes from {@link BsonEncoder#determineType}.
 */
final class StoredBson {

    /** A buffer this large is not kept for the next document (one huge document must not pin memory per thread). */
    private static final int KEEP_BUFFER_BYTES = 1 << 20;
    private static final String[] INDEX_KEYS = new String[1024];
    private static final Map<Class<?>, Byte> COMMON_TYPES = Map.of(String.class, BsonConstants.TYPE_UTF8_STRING,
            Document.class, BsonConstants.TYPE_EMBEDDED_DOCUMENT, ArrayList.class, BsonConstants.TYPE_ARRAY,
            Double.class, BsonConstants.TYPE_DOUBLE, Integer.class, BsonConstants.TYPE_INT32,
            Long.class, BsonConstants.TYPE_INT64, Boolean.class, BsonConstants.TYPE_BOOLEAN,
            Instant.class, BsonConstants.TYPE_UTC_DATETIME, ObjectId.class, BsonConstants.TYPE_OBJECT_ID);
    private static final ThreadLocal<ByteBuf> BUFFER = ThreadLocal.withInitial(() -> Unpooled.buffer(4096));

    static {
        for (int i = 0; i < INDEX_KEYS.length; i++) {
            INDEX_KEYS[i] = Integer.toString(i);
        }
    }

    private StoredBson() {
    }

    static byte[] encode(Map<String, ?> document) {
        ByteBuf out = BUFFER.get().clear();
        writeDocument(document, out);
        byte[] bson = new byte[out.writerIndex()];
        out.getBytes(0, bson);
        if (out.capacity() > KEEP_BUFFER_BYTES) {
            BUFFER.remove();
        }
        return bson;
    }

    private static void writeDocument(Map<String, ?> document, ByteBuf out) {
        int start = out.writerIndex();
        out.writeIntLE(0);
        for (Map.Entry<String, ?> field : document.entrySet()) {
            writeField(field.getKey(), field.getValue(), out);
        }
        out.writeByte(BsonConstants.TERMINATING_BYTE);
        out.setIntLE(start, out.writerIndex() - start);
    }

    private static void writeArray(List<?> array, ByteBuf out) {
        int start = out.writerIndex();
        out.writeIntLE(0);
        for (int i = 0; i < array.size(); i++) {
            writeField(i < INDEX_KEYS.length ? INDEX_KEYS[i] : Integer.toString(i), array.get(i), out);
        }
        out.writeByte(BsonConstants.TERMINATING_BYTE);
        out.setIntLE(start, out.writerIndex() - start);
    }

    @SuppressWarnings("unchecked")
    private static void writeField(String key, Object value, ByteBuf out) {
        byte type = type(value);
        out.writeByte(type);
        out.writeBytes(key.getBytes(StandardCharsets.UTF_8));
        out.writeByte(BsonConstants.STRING_TERMINATION);
        switch (type) {
            case BsonConstants.TYPE_EMBEDDED_DOCUMENT -> writeDocument((Map<String, ?>) value, out);
            case BsonConstants.TYPE_ARRAY -> writeArray(asList(value), out);
            default -> BsonEncoder.encodeValue(type, value, out);
        }
    }

    /**
     * {@link BsonEncoder#determineType}, looked up by exact class for the classes a stored document is made of: that
     * method asks {@code instanceof Map} and {@code instanceof Collection} of every value, and on JDK 17 an
     * interface test of a class that does not implement it rewrites a per-class cache, which two threads encoding
     * at once (the wire server decodes and stores on several) keep invalidating between their cores. Any other
     * class (or null) goes to that method.
     */
    private static byte type(Object value) {
        Byte common = value == null ? null : COMMON_TYPES.get(value.getClass());
        return common != null ? common : BsonEncoder.determineType(value);
    }

    private static List<?> asList(Object array) {
        if (array instanceof List<?> list) {
            return list;
        }
        return new ArrayList<>((Collection<?>) array);
    }
}
