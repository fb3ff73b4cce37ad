package org.mfc.fhir.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.jboss.logging.Logger;

/**
 * A small bounded LRU map whose entries expire: registry look-ups are cached, but a change in the registry is seen
 * within {@code ttl}. Thread-safe by a single lock; look-ups are cheap compared with the database call they save.
 * <p>
 * With a refresher, an entry read after a random point between half and three quarters of its life is reloaded on
 * the refresher while the current value is still answered, so that keys read steadily never make a caller wait for
 * the loader: without it, every key cached in the same second (a fleet's devices after a start) expires in the same
 * second, and the callers then wait for all the look-ups at once; the random point spreads their reloads. A value
 * is still never answered past {@code ttl} after it was loaded: an entry not refreshed in time expires and is loaded
 * by the caller, as without a refresher.
 */
public final class ExpiringCache<K, V> {

    private static final Logger LOG = Logger.getLogger(ExpiringCache.class);

    private static final class Entry<V> {
        final V value;
        final Instant refreshFrom;
        final Instant expires;
        boolean refreshing;

        Entry(V value, Instant loaded, Duration ttl) {
            this.value = value;
            // From a random point between half and three quarters of the entry's life: keys loaded together
            // (a fleet after a start, or after a stall) are refreshed spread over a quarter of the ttl.
            long ttlNanos = ttl.toNanos();
            this.refreshFrom = loaded.plusNanos(ttlNanos / 2 + (long) (ThreadLocalRandom.current().nextDouble()
                    * (ttlNanos / 4)));
            this.expires = loaded.plus(ttl);
        }
    }

    private final Duration ttl;
    private final Clock clock;
    private final Executor refresher;
    private final LinkedHashMap<K, Entry<V>> map;
    /** Bumped by {@link #invalidateAll}: a refresh started before it must not put its answer back. */
    private long generation;

    /** Without refresh ahead: an expired entry is loaded by the caller that finds it expired. */
    public ExpiringCache(int maxEntries, Duration ttl, Clock clock) {
        this(maxEntries, ttl, clock, null);
    }

    /**
     * @param refresher runs reloads of entries read in the second half of their life; null for none. A refresh it
     *                  refuses is skipped (the entry then expires and is loaded by a caller).
     */
    public ExpiringCache(int maxEntries, Duration ttl, Clock clock, Executor refresher) {
        this.ttl = ttl;
        this.clock = clock;
        this.refresher = refresher;
        this.map = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public V get(K key, Function<K, V> loader) {
        Instant now = clock.instant();
        long loadGeneration;
        Entry<V> hit = null;
        boolean refresh = false;
        synchronized (map) {
            loadGeneration = generation;
            Entry<V> e = map.get(key);
            if (e != null && e.expires.isAfter(now)) {
                hit = e;
                if (refresher != null && !e.refreshing && !now.isBefore(e.refreshFrom)) {
                    e.refreshing = true;
                    refresh = true;
                }
            }
        }
        if (hit != null) {
            if (refresh) {
                refreshLater(key, hit, loader, loadGeneration);
            }
            return hit.value;
        }
        V value = loader.apply(key);
        store(key, value, now, loadGeneration);
        return value;
    }

    public void put(K key, V value) {
        Instant now = clock.instant();
        synchronized (map) {
            map.put(key, new Entry<>(value, now, ttl));
        }
    }

    public void invalidateAll() {
        synchronized (map) {
            map.clear();
            generation++;
        }
    }

    private void refreshLater(K key, Entry<V> current, Function<K, V> loader, long startGeneration) {
        try {
            refresher.execute(() -> {
                Instant loaded = clock.instant();
                try {
                    store(key, loader.apply(key), loaded, startGeneration);
                } catch (RuntimeException ex) {
                    // The current value stays until it expires; the caller that then finds it expired loads it and
                    // sees the error.
                    LOG.debugf("refresh of a cached entry failed: %s", ex.toString());
                    synchronized (map) {
                        current.refreshing = false;
                    }
                }
            });
        } catch (RejectedExecutionException ex) {
            synchronized (map) {
                current.refreshing = false;
            }
        }
    }

    private void store(K key, V value, Instant loaded, long loadGeneration) {
        synchronized (map) {
            if (loadGeneration == generation) {
                map.put(key, new Entry<>(value, loaded, ttl));
            }
        }
    }
}
