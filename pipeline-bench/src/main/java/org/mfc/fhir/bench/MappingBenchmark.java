package org.mfc.fhir.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.codecs.Codec;
import org.bson.codecs.EncoderContext;
import org.bson.conversions.Bson;
import org.bson.io.BasicOutputBuffer;
import org.mfc.fhir.core.fhir.DeviceMapper;
import org.mfc.fhir.core.fhir.FhirBson;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.FhirJson;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.fhir.ObservationMapper;
import org.mfc.fhir.core.fhir.ProvenanceMapper;
import org.mfc.fhir.core.fhir.SampleReadings;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import com.mongodb.MongoClientSettings;

/**
 * Mapping throughput per thread (= per core): one operation is one parsed device reading mapped and encoded to the
 * documents stored for it, as the worker does per message of one reading: its Observations (with the heart rate of a
 * pulse), its Devices, the message's Provenance, each in its storage envelope and encoded to the BSON bytes the
 * driver sends (the codec work the database call would otherwise do). No database. The readings are one of
 * every {@link MeasurementKind} in turn ({@link SampleReadings}). Run by {@code scripts/bench-mapping.sh}; the score
 * is readings/s on one thread. Target: 20,000.
 * <p>
 * {@code devices}: {@code first-sight} encodes a Device only the first time it is seen, as the worker does (it skips
 * Devices written in the last 10 minutes); {@code every-reading} encodes them for every reading (a cold cache).
 * {@code encoder}: {@code bson} is the pipeline's encoder ({@code FhirEnvelope}); {@code hapi-json} is the previous
 * route (HAPI's JSON parser to a String, then {@code Document.parse}), kept to show the difference on the same
 * machine in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MappingBenchmark {

    @Param({"bson", "hapi-json"})
    public String encoder;

    @Param({"first-sight"})
    public String devices;

    private static final EncoderContext ENCODE = EncoderContext.builder().isEncodingCollectibleDocument(true).build();

    private final Codec<Document> codec = MongoClientSettings.getDefaultCodecRegistry().get(Document.class);
    private final ObservationMapper observations = new ObservationMapper();
    private final DeviceMapper deviceMapper = new DeviceMapper();
    private final ProvenanceMapper provenance = new ProvenanceMapper();
    private final List<Reading> mix = new ArrayList<>();
    private final Set<String> devicesSeen = new HashSet<>();
    private long message;
    /** The next reading of {@link #mix}: one invocation maps one reading, so no count of kinds is written down. */
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        for (MeasurementKind kind : MeasurementKind.values()) {
            mix.add(SampleReadings.of(kind));
        }
        FhirJson.warmUp();
    }

    /** One invocation maps one reading, every kind in turn, so the score is readings/s. */
    @Benchmark
    public void mapReadings(Blackhole out) {
        Instant received = SampleReadings.RECEIVED;
        Reading r = mix.get(next);
        next = next + 1 == mix.size() ? 0 : next + 1;
        String messageId = "bench:" + message++;
        List<MappedResource> obs = observations.map(r, SampleReadings.PATIENT, received);
        List<MappedResource> all = new ArrayList<>(obs.size() + 3);
        all.addAll(obs);
        for (MappedResource d : deviceMapper.map(r)) {
            if ("every-reading".equals(devices) || devicesSeen.add(d.id())) {
                all.add(d);
            }
        }
        List<String> ids = new ArrayList<>(obs.size());
        for (MappedResource m : obs) {
            ids.add(m.id());
        }
        all.add(provenance.map(messageId, "bench", "bench-client", List.of(r.device()), SampleReadings.PATIENT,
                ids, received));
        for (MappedResource m : all) {
            out.consume(envelope(m, received, messageId));
        }
    }

    /** The envelope as the BSON bytes the driver sends: the encoding the database call would otherwise pay. */
    private byte[] envelope(MappedResource m, Instant received, String messageId) {
        Bson resource = "hapi-json".equals(encoder) ? Document.parse(FhirJson.encode(m.resource()))
                : FhirBson.encode(m.resource());
        Document envelope = FhirEnvelope.wrap(m, resource, received, "bench", messageId);
        BasicOutputBuffer buffer = new BasicOutputBuffer(2048);
        try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
            codec.encode(writer, envelope, ENCODE);
        }
        return buffer.getInternalBuffer();
    }
}
