package org.mfc.fhir.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Samples read from the services' Prometheus text, as Quarkus writes it with tracing on (OpenMetrics exemplars). */
class PromScrapeTest {

    private static final String TEXT = """
            # TYPE fhir_worker_batch_size histogram
            fhir_worker_batch_size_count 2.0 # {span_id="0430ea50825d915a",trace_id="39444fa9a5bcebe75e38bdfffbb2f6d3"} 1.0 1796561998.933
            fhir_worker_batch_size_sum 3.0
            mongodb_driver_commands_seconds_count{collection="fhir_observations",command="insert",status="SUCCESS"} 2.0 # {span_id="3501caf1330f5fd8",trace_id="b3a9"} 1.0 1796561998.734
            mongodb_driver_commands_seconds_count{collection="amy_boxes",command="find",status="SUCCESS"} 5.0
            process_cpu_time_ns_total 1.23E9
            """;

    @Test
    void givenExemplars_whenParsed_thenTheSampleValueIsReadAndTheExemplarIgnored() {
        PromScrape scrape = PromScrape.parse(TEXT);

        assertThat(scrape.sum("fhir_worker_batch_size_count")).isEqualTo(2.0);
        assertThat(scrape.sum("fhir_worker_batch_size_sum")).isEqualTo(3.0);
        assertThat(scrape.sum("mongodb_driver_commands_seconds_count")).isEqualTo(7.0);
        assertThat(scrape.sum("mongodb_driver_commands_seconds_count",
                l -> "fhir_observations".equals(l.get("collection")))).isEqualTo(2.0);
        assertThat(scrape.sum("process_cpu_time_ns_total")).isEqualTo(1.23e9);
    }
}
