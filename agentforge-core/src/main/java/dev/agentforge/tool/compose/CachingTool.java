package dev.agentforge.tool.compose;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolSettings;
import dev.agentforge.tool.internal.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Keeps the results of a tool for a time to live, keyed by the canonical JSON of the arguments (object
 * keys sorted, so {@code {"a":1,"b":2}} and {@code {"b":2,"a":1}} share an entry). Only successful
 * results are kept. Beyond the maximum number of entries, the least recently used is dropped. Expiry is
 * measured on the given clock. Two calls that miss at the same time both run the tool, and the later
 * result is kept.
 */
public final class CachingTool extends ComposedTool {

    private record Entry(Object result, Instant expires) {
    }

    private final Tool delegate;
    private final Duration ttl;
    private final Clock clock;
    private final int maxEntries;
    private final Map<String, Entry> entries;
    private long hits;
    private long misses;

    CachingTool(Tool delegate, Duration ttl, int maxEntries, Clock clock) {
        super(delegate.name(), delegate.description(), delegate.parameters());
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("Invalid time to live " + ttl + ": use a positive duration");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("Invalid maxEntries " + maxEntries + ": use 1 or more");
        }
        this.delegate = delegate;
        this.ttl = ttl;
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    @Override
    public Optional<ToolSettings> settings() {
        return delegate.settings();
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        String key = Json.canonical(arguments);
        synchronized (entries) {
            Entry entry = entries.get(key);
            if (entry != null && clock.instant().isBefore(entry.expires())) {
                hits++;
                return entry.result();
            }
            entries.remove(key);
            misses++;
        }
        Object result = delegate.execute(arguments, context);
        synchronized (entries) {
            entries.put(key, new Entry(result, clock.instant().plus(ttl)));
            if (entries.size() > maxEntries) {
                entries.remove(entries.keySet().iterator().next());
            }
        }
        return result;
    }

    /** The calls whose result came from the cache. */
    public long hits() {
        synchronized (entries) {
            return hits;
        }
    }

    /** The calls that ran the tool. */
    public long misses() {
        synchronized (entries) {
            return misses;
        }
    }

    /** Drops every entry. */
    public void invalidateAll() {
        synchronized (entries) {
            entries.clear();
        }
    }
}
