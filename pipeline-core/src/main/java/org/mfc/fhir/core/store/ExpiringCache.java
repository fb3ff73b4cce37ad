package org.mfc.fhir.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A small bounded LRU map whose entries expire: registry look-ups are cached, but a change in the registry is seen
 * within {@code ttl}. Thread-safe by a single lock; look-ups are cheap compared with the database call they save.
 */
public final class ExpiringCache<K, V> {

    private record Entry<V>(V value, Instant expires) {
    }

    private final Duration ttl;
    private final Clock clock;
    private final LinkedHashMap<K, Entry<V>> map;

    public ExpiringCache(int maxEntries, Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
        this.map = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public V get(K key, Function<K, V> loader) {
        Instant now = clock.instant();
        synchronized (map) {
            Entry<V> e = map.get(key);
            if (e != null && e.expires().isAfter(now)) {
                return e.value();
            }
        }
        V value = loader.apply(key);
        synchronized (map) {
            map.put(key, new Entry<>(value, now.plus(ttl)));
        }
        return value;
    }

    public void put(K key, V value) {
        Instant now = clock.instant();
        synchronized (map) {
            map.put(key, new Entry<>(value, now.plus(ttl)));
        }
    }

    public void invalidateAll() {
        synchronized (map) {
            map.clear();
        }
    }
}
