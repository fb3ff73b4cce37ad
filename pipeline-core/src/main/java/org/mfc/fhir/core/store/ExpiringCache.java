package org.mfc.fhir.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * A bounded cache whose entries expire: registry look-ups are cached, but a change in the registry is seen within
 * {@code ttl}. Caffeine holds the entries (size bound, expiry); this class adds the refresh point below.
 * <p>
 * With a refresher, an entry read after a random point between half and three quarters of its life is reloaded on
 * the refresher while the current value is still answered, so that keys read steadily never make a caller wait for
 * the loader: without it, every key cached in the same second (a fleet's devices after a start) expires in the same
 * second, and the callers then wait for all the look-ups at once; the random point spreads their reloads. Caffeine's
 * own {@code refreshAfterWrite} has one fixed point for every entry, which is what spreading has to avoid, and one
 * loader per cache, where callers here pass theirs. A value is still never answered past {@code ttl} after it was
 * loaded: an entry not refreshed in time expires and is loaded by the caller, as without a refresher.
 */
public final class ExpiringCache<K, V> {

    private static final Logger LOG = Logger.getLogger(ExpiringCache.class);

    private static final class Entry<V> {
        final V value;
        /** Clock time (nanoseconds) at which the load that produced the value started: the ttl counts from here. */
        final long loadedNanos;
        final long refreshFromNanos;
        final AtomicBoolean refreshing = new AtomicBoolean();

        Entry(V value, long loadedNanos, long ttlNanos) {
            this.value = value;
            this.loadedNanos = loadedNanos;
            // From a random point between half and three quarters of the entry's life: keys loaded together
            // (a fleet after a start, or after a stall) are refreshed spread over a quarter of the ttl.
            this.refreshFromNanos = loadedNanos + ttlNanos / 2
                    + (long) (ThreadLocalRandom.current().nextDouble() * (ttlNanos / 4));
        }
    }

    private final long ttlNanos;
    private final Clock clock;
    private final Executor refresher;
    private final Cache<K, Entry<V>> cache;
    /** Bumped by {@link #invalidateAll}: a load started before it must not put its answer back. */
    private final AtomicLong generation = new AtomicLong();

    /** Without refresh ahead: an expired entry is loaded by the caller that finds it expired. */
    public ExpiringCache(int maxEntries, Duration ttl, Clock clock) {
        this(maxEntries, ttl, clock, null);
    }

    /**
     * @param refresher runs reloads of entries read in the second half of their life; null for none. A refresh it
     *                  refuses is skipped (the entry then expires and is loaded by a caller).
     */
    public ExpiringCache(int maxEntries, Duration ttl, Clock clock, Executor refresher) {
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
        this.refresher = refresher;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                // The ttl counts from the start of the load that produced the value, also for a refreshed one.
                .expireAfter(Expiry.writing((K key, Entry<V> entry) ->
                        Duration.ofNanos(Math.max(0, ttlNanos - (nanos() - entry.loadedNanos)))))
                .ticker(this::nanos)
                // Eviction upkeep on the calling thread: no common-pool tasks from a library class.
                .executor(Runnable::run)
                .build();
    }

    public V get(K key, Function<K, V> loader) {
        long now = nanos();
        Entry<V> hit = cache.getIfPresent(key);
        if (hit != null) {
            if (refresher != null && now - hit.refreshFromNanos >= 0 && hit.refreshing.compareAndSet(false, true)) {
                refreshLater(key, hit, loader);
            }
            return hit.value;
        }
        long loadGeneration = generation.get();
        V value = loader.apply(key);
        store(key, new Entry<>(value, now, ttlNanos), loadGeneration);
        return value;
    }

    /**
     * Makes {@link #get} answer {@code keys} without loading one at a time: the keys absent are loaded now with one
     * call of {@code bulkLoader}; the keys due for refresh are reloaded with one call on the refresher, their current
     * value answered meanwhile. The loader may leave keys out of its answer (they are then loaded by {@link #get}).
     * A failure of the synchronous load is thrown to the caller.
     */
    public void preload(Collection<K> keys, Function<Set<K>, Map<K, V>> bulkLoader) {
        long now = nanos();
        Set<K> absent = new LinkedHashSet<>();
        Map<K, Entry<V>> due = new LinkedHashMap<>();
        for (K key : keys) {
            Entry<V> hit = cache.getIfPresent(key);
            if (hit == null) {
                absent.add(key);
            } else if (refresher != null && now - hit.refreshFromNanos >= 0 && hit.refreshing.compareAndSet(false,
                    true)) {
                due.put(key, hit);
            }
        }
        if (!due.isEmpty()) {
            refreshAllLater(due, bulkLoader);
        }
        if (absent.isEmpty()) {
            return;
        }
        long loadGeneration = generation.get();
        Map<K, V> loaded = bulkLoader.apply(absent);
        loaded.forEach((key, value) -> store(key, new Entry<>(value, now, ttlNanos), loadGeneration));
    }

    private void refreshAllLater(Map<K, Entry<V>> due, Function<Set<K>, Map<K, V>> bulkLoader) {
        try {
            refresher.execute(() -> {
                long loaded = nanos();
                Map<K, V> values = Map.of();
                try {
                    values = bulkLoader.apply(due.keySet());
                } catch (RuntimeException ex) {
                    LOG.debugf("refresh of cached entries failed: %s", ex.toString());
                }
                for (Map.Entry<K, Entry<V>> e : due.entrySet()) {
                    if (values.containsKey(e.getKey())) {
                        cache.asMap().replace(e.getKey(), e.getValue(),
                                new Entry<>(values.get(e.getKey()), loaded, ttlNanos));
                    } else {
                        e.getValue().refreshing.set(false);
                    }
                }
            });
        } catch (RejectedExecutionException ex) {
            due.values().forEach(e -> e.refreshing.set(false));
        }
    }

    public void put(K key, V value) {
        cache.put(key, new Entry<>(value, nanos(), ttlNanos));
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        cache.invalidateAll();
    }

    private void refreshLater(K key, Entry<V> current, Function<K, V> loader) {
        try {
            refresher.execute(() -> {
                long loaded = nanos();
                try {
                    // Only over the entry it refreshes: one invalidated or replaced meanwhile is not brought back.
                    cache.asMap().replace(key, current, new Entry<>(loader.apply(key), loaded, ttlNanos));
                } catch (RuntimeException ex) {
                    // The current value stays until it expires; the caller that then finds it expired loads it and
                    // sees the error.
                    LOG.debugf("refresh of a cached entry failed: %s", ex.toString());
                    current.refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException ex) {
            current.refreshing.set(false);
        }
    }

    private void store(K key, Entry<V> entry, long loadGeneration) {
        if (generation.get() != loadGeneration) {
            return;
        }
        cache.put(key, entry);
        // An invalidation between the check and the put may have missed this entry: take it out again.
        if (generation.get() != loadGeneration) {
            cache.asMap().remove(key, entry);
        }
    }

    private long nanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
