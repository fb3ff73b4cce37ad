package org.mfc.fhir.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** One scrape of a Prometheus text endpoint ({@code /q/metrics}): samples by name, with their labels. */
public final class PromScrape {

    /** One sample line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Sample> samples;

    private PromScrape(List<Sample> samples) {
        this.samples = samples;
    }

    public static PromScrape of(URI endpoint) throws IOException, InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = HTTP.send(get, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(endpoint + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    static PromScrape parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            if (raw.isBlank() || raw.startsWith("#")) {
                continue;
            }
            // OpenMetrics exemplar after the value (`value # {trace_id="..."} 1.0 1796561998.7`, written when
            // tracing is on): not part of the sample.
            int labelsAt = raw.indexOf('{');
            int firstSpace = raw.indexOf(' ');
            int afterLabels = labelsAt >= 0 && (firstSpace < 0 || labelsAt < firstSpace) ? raw.indexOf("} ", labelsAt) : 0;
            int exemplar = raw.indexOf(" # ", Math.max(0, afterLabels));
            String line = exemplar >= 0 ? raw.substring(0, exemplar) : raw;
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space).trim();
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                String inner = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String pair : inner.split("\",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).replace("\"", ""));
                    }
                }
            }
            try {
                out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim())));
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return new PromScrape(out);
    }

    /** Sum of every sample of {@code name} whose labels pass {@code filter}. */
    public double sum(String name, Predicate<Map<String, String>> filter) {
        return samples.stream().filter(s -> s.name().equals(name) && filter.test(s.labels()))
                .mapToDouble(Sample::value).sum();
    }

    public double sum(String name) {
        return sum(name, l -> true);
    }

    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }
}
