package org.mfc.fhir.core.fhir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.io.BasicOutputBuffer;
import org.hl7.fhir.r5.formats.JsonCreator;
import org.hl7.fhir.r5.formats.JsonParser;
import org.hl7.fhir.r5.model.DecimalType;
import org.hl7.fhir.r5.model.Resource;

/**
 * An R5 resource as the BSON document stored under {@code resource_data}, written straight to BSON bytes: the same
 * bytes (fields, order, value types) that {@code Document.parse(FhirJson.encode(resource))} encodes to, without
 * printing JSON, scanning it back into a tree of maps and encoding that tree again in the driver. That route
 * through HAPI's reflective JSON parser, the BSON JSON reader and the driver's codec lookups was most of the cost
 * of mapping a reading (docs/benchmarks/mapping.md).
 * <p>
 * The walk over the resource is the R5 model's own generated composer ({@code org.hl7.fhir.r5.formats.JsonParser},
 * direct calls, no reflection), which writes fields in definition order as HAPI's parser does. Only the sink is
 * ours: a {@link BsonBinaryWriter}, typing numbers as the BSON JSON reader types the text HAPI prints (an integer
 * literal is an Int32, or an Int64 beyond; a fraction or an exponent makes a Double). {@code FhirBsonTest} holds
 * the bytes to the HAPI route for every kind of reading and for generated values.
 */
public final class FhirBson {

    private FhirBson() {
    }

    /** The resource as the {@code resource_data} document. */
    public static RawBsonDocument encode(Resource resource) {
        BasicOutputBuffer buffer = new AsciiFastBuffer();
        try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
            BsonSink sink = new BsonSink(writer);
            JsonParser composer = new JsonParser();
            composer.setHandleComments(false);
            // compose(JsonCreator, ...) writes the members only; the enclosing object is the caller's.
            sink.beginObject();
            composer.compose(sink, resource);
            sink.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + resource.fhirType(), e);
        }
        return new RawBsonDocument(buffer.toByteArray());
    }

    /**
     * A decimal as the BSON value the JSON round trip stores: HAPI prints {@link DecimalType}'s text form and the
     * BSON reader reads an integer literal as Int32 (Int64 when it does not fit) and anything else as a Double.
     */
    static Object number(BigDecimal value) {
        return number(new DecimalType(value).getValueAsString());
    }

    static Object number(String text) {
        boolean integral = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
                break;
            }
        }
        if (!integral) {
            return Double.parseDouble(text);
        }
        try {
            long l = Long.parseLong(text);
            return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
        } catch (NumberFormatException e) {
            // Beyond a long: whatever the BSON reader makes of the literal (the rare path; it may fail the same way).
            return Document.parse("{\"v\":" + text + "}").get("v");
        }
    }

    /**
     * The BSON buffer with a shortcut for ASCII text, which is nearly all the text of a resource (codes, systems,
     * ids, times): the buffer's general path encodes UTF-8 one code point at a time. Anything else takes that path.
     */
    private static final class AsciiFastBuffer extends BasicOutputBuffer {

        AsciiFastBuffer() {
            super(1024);
        }

        @Override
        protected int writeCharacters(String text, boolean checkForNullCharacters) {
            int length = text.length();
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c >= 0x80 || (c == 0 && checkForNullCharacters)) {
                    return super.writeCharacters(text, checkForNullCharacters);
                }
            }
            writeBytes(text.getBytes(StandardCharsets.ISO_8859_1), 0, length);
            writeByte(0);
            return length + 1;
        }
    }

    /** Writes the composer's events to BSON. Names come only inside objects; array elements have none. */
    private static final class BsonSink implements JsonCreator {

        private final BsonBinaryWriter writer;
        private String name;

        BsonSink(BsonBinaryWriter writer) {
            this.writer = writer;
        }

        private void name() {
            if (name != null) {
                writer.writeName(name);
                name = null;
            }
        }

        @Override
        public void beginObject() {
            name();
            writer.writeStartDocument();
        }

        @Override
        public void endObject() {
            writer.writeEndDocument();
        }

        @Override
        public void beginArray() {
            name();
            writer.writeStartArray();
        }

        @Override
        public void endArray() {
            writer.writeEndArray();
        }

        @Override
        public void name(String name) {
            this.name = name;
        }

        @Override
        public void nullValue() {
            name();
            writer.writeNull();
        }

        @Override
        public void value(String value) {
            name();
            if (value == null) {
                writer.writeNull();
            } else {
                writer.writeString(value);
            }
        }

        @Override
        public void value(Boolean value) {
            name();
            if (value == null) {
                writer.writeNull();
            } else {
                writer.writeBoolean(value);
            }
        }

        @Override
        public void value(BigDecimal value) {
            name();
            write(value == null ? null : number(value));
        }

        @Override
        public void valueNum(String value) {
            name();
            write(value == null ? null : number(value));
        }

        @Override
        public void value(Integer value) {
            name();
            write(value);
        }

        private void write(Object number) {
            if (number == null) {
                writer.writeNull();
            } else if (number instanceof Integer i) {
                writer.writeInt32(i);
            } else if (number instanceof Long l) {
                writer.writeInt64(l);
            } else if (number instanceof Double d) {
                writer.writeDouble(d);
            } else {
                throw new IllegalStateException("a number the BSON JSON reader would not produce: "
                        + number.getClass().getSimpleName());
            }
        }

        @Override
        public void comment(String content) {
            // Comments are not part of the stored resource.
        }

        @Override
        public void finish() {
            // Nothing buffered.
        }

        @Override
        public void link(String href) {
            // Rendering hints of the composer: not data.
        }

        @Override
        public void anchor(String name) {
            // Rendering hints of the composer: not data.
        }

        @Override
        public void externalLink(String string) {
            // Rendering hints of the composer: not data.
        }

        @Override
        public void elide() {
            // Only used by renderers that shorten output.
        }

        @Override
        public boolean canElide() {
            return false;
        }

        @Override
        public boolean isCanonical() {
            return false;
        }
    }
}
