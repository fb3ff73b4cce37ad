package org.mfc.fhir.core.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;

/**
 * Mapping throughput on ONE thread (= per core): a round-robin mix of every kind through what the worker does per
 * reading before the database call: Observations (with the heart rate from a pulse), the Provenance, and each
 * resource's JSON encoding into its storage envelope. Devices are encoded on first sight only, as the worker does
 * ({@code ReadingProcessor} skips Devices it wrote in the last 10 minutes). Run with {@code scripts/bench-mapping.sh [seconds]}.
 * Prints readings/s; the target is 20,000 readings/s per core. Not a unit test: the machine's load decides the
 * number.
 */
public final class MappingThroughput {

    private MappingThroughput() {
    }

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Reading> mix = new ArrayList<>();
        for (MeasurementKind kind : MeasurementKind.values()) {
            mix.add(SampleReadings.of(kind));
        }
        FhirJson.warmUp();
        run(mix, 3, false);
        run(mix, seconds, true);
    }

    private static void run(List<Reading> mix, int seconds, boolean report) {
        ObservationMapper observations = new ObservationMapper();
        DeviceMapper devices = new DeviceMapper();
        ProvenanceMapper provenance = new ProvenanceMapper();
        Instant received = SampleReadings.RECEIVED;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        java.util.Set<String> devicesSeen = new java.util.HashSet<>();
        long readings = 0;
        long documents = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            for (Reading r : mix) {
                List<MappedResource> obs = observations.map(r, SampleReadings.PATIENT, received);
                List<MappedResource> all = new ArrayList<>(obs);
                for (MappedResource d : devices.map(r)) {
                    if (devicesSeen.add(d.id())) {
                        all.add(d);
                    }
                }
                all.add(provenance.map("bench:" + readings, "bench", "bench-client", List.of(r.device()),
                        SampleReadings.PATIENT, obs.stream().map(MappedResource::id).toList(), received));
                for (MappedResource m : all) {
                    Document envelope = FhirEnvelope.wrap(m, received, "bench", "bench");
                    documents += envelope.size();
                }
                readings++;
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (report) {
            System.out.printf("mapping throughput: %.0f readings/s on one thread (%d readings in %.1f s, %d kinds,"
                    + " envelope fields %d); target 20000/s per core%n", readings / elapsed, readings, elapsed,
                    mix.size(), documents);
        }
    }
}
