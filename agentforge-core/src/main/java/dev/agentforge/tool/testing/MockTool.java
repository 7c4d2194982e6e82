package dev.agentforge.tool.testing;

import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolSettings;
import dev.agentforge.tool.internal.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * A tool double for tests: responses by exact arguments or by predicate, a default response, simulated
 * latency, failures and hangs injected at a rate, and a record of every invocation.
 *
 * <p>Latency, failures and hangs are drawn from one {@link Random} with a fixed seed, in the order the
 * invocations take their draws, so a run of sequential calls is the same every time. The latency is
 * waited through the sleeper, by default {@link Thread#sleep}; tests pass {@link ManualTime#sleep} so they
 * never wait in real time. A simulated hang sleeps for an hour through the same sleeper, so it ends only
 * when the call is cancelled or the test advances the time.
 *
 * <pre>{@code
 * MockTool weather = MockTool.builder("weather")
 *         .respond("{\"city\":\"Paris\"}", "18 °C and sunny")
 *         .defaultResponse("No data for that city")
 *         .latency(Latency.uniform(Duration.ofMillis(50), Duration.ofMillis(150)))
 *         .sleeper(time::sleep)
 *         .seed(42)
 *         .build();
 * }</pre>
 */
public final class MockTool implements Tool {

    /** How long a simulated hang sleeps. */
    public static final Duration HANG = Duration.ofHours(1);

    /** Produces a response; it may throw, like a real handler. */
    @FunctionalInterface
    public interface Response {
        Object respond(JsonNode arguments) throws Exception;
    }

    /**
     * One recorded invocation.
     *
     * @param index the invocation's number, from 1
     * @param arguments the arguments it got
     * @param context the context it got
     * @param latency the simulated latency drawn for it
     */
    public record Invocation(int index, JsonNode arguments, ToolContext context, Duration latency) {
    }

    private record Rule(Predicate<JsonNode> matches, Response response) {
    }

    private final String name;
    private final String description;
    private final JsonNode parameters;
    private final Map<String, Response> exact;
    private final List<Rule> rules;
    private final Response defaultResponse;
    private final Latency latency;
    private final RetryPolicy.Sleeper sleeper;
    private final double errorRate;
    private final Supplier<? extends Exception> error;
    private final double hangRate;
    private final ToolSettings settings;
    private final Random random;
    private final List<Invocation> invocations = new ArrayList<>();

    private MockTool(Builder builder) {
        this.name = builder.name;
        this.description = builder.description != null ? builder.description : "A test double of the tool " + builder.name;
        this.parameters = builder.parameters != null ? builder.parameters
                : Json.MAPPER.readTree("{\"type\":\"object\",\"properties\":{}}");
        this.exact = Map.copyOf(builder.exact);
        this.rules = List.copyOf(builder.rules);
        this.defaultResponse = builder.defaultResponse;
        this.latency = builder.latency;
        this.sleeper = builder.sleeper;
        this.errorRate = builder.errorRate;
        this.error = builder.error;
        this.hangRate = builder.hangRate;
        this.settings = builder.settings;
        this.random = new Random(builder.seed);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public JsonNode parameters() {
        return parameters;
    }

    @Override
    public Optional<ToolSettings> settings() {
        return Optional.ofNullable(settings);
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        Duration delay;
        boolean fail;
        boolean hang;
        synchronized (invocations) {
            delay = latency.next(random);
            fail = errorRate > 0 && random.nextDouble() < errorRate;
            hang = hangRate > 0 && random.nextDouble() < hangRate;
            invocations.add(new Invocation(invocations.size() + 1, arguments, context, delay));
        }
        if (hang) {
            sleeper.sleep(HANG);
        }
        sleeper.sleep(delay);
        if (fail) {
            throw error.get();
        }
        return responseFor(arguments).respond(arguments);
    }

    private Response responseFor(JsonNode arguments) throws ToolException {
        Response response = exact.get(Json.canonical(arguments));
        if (response != null) {
            return response;
        }
        for (Rule rule : rules) {
            if (rule.matches().test(arguments)) {
                return rule.response();
            }
        }
        if (defaultResponse != null) {
            return defaultResponse;
        }
        throw new ToolException("Mock tool '" + name + "' has no response for the arguments " + Json.canonical(arguments)
                + "; add one with respond(...), respondWhen(...) or defaultResponse(...)");
    }

    /** The invocations so far, in the order they started. */
    public List<Invocation> invocations() {
        synchronized (invocations) {
            return List.copyOf(invocations);
        }
    }

    /** The number of invocations so far. */
    public int invocationCount() {
        synchronized (invocations) {
            return invocations.size();
        }
    }

    /** The last invocation; throws an {@link AssertionError} if there was none. */
    public Invocation lastInvocation() {
        synchronized (invocations) {
            if (invocations.isEmpty()) {
                throw new AssertionError("Mock tool '" + name + "' was never called");
            }
            return invocations.getLast();
        }
    }

    /** Throws an {@link AssertionError} unless the tool was called exactly {@code times} times. */
    public MockTool assertCalledTimes(int times) {
        int count = invocationCount();
        if (count != times) {
            throw new AssertionError("Mock tool '" + name + "' was called " + count + " times, expected " + times
                    + "; arguments: " + argumentsText());
        }
        return this;
    }

    /** Throws an {@link AssertionError} if the tool was called. */
    public MockTool assertNotCalled() {
        return assertCalledTimes(0);
    }

    /** Throws an {@link AssertionError} unless some invocation got these arguments, compared as canonical JSON. */
    public MockTool assertCalledWith(String argumentsJson) {
        String expected = Json.canonical(Json.MAPPER.readTree(argumentsJson));
        if (invocations().stream().noneMatch(invocation -> Json.canonical(invocation.arguments()).equals(expected))) {
            throw new AssertionError("Mock tool '" + name + "' was never called with " + expected + "; arguments: "
                    + argumentsText());
        }
        return this;
    }

    /** Forgets the recorded invocations; the random source goes on where it was. */
    public void reset() {
        synchronized (invocations) {
            invocations.clear();
        }
    }

    private String argumentsText() {
        return invocations().stream().map(invocation -> Json.canonical(invocation.arguments())).toList().toString();
    }

    @Override
    public String toString() {
        return "MockTool[" + name + "]";
    }

    /** Builds a {@link MockTool}. */
    public static final class Builder {
        private final String name;
        private String description;
        private JsonNode parameters;
        private final Map<String, Response> exact = new LinkedHashMap<>();
        private final List<Rule> rules = new ArrayList<>();
        private Response defaultResponse;
        private Latency latency = Latency.none();
        private RetryPolicy.Sleeper sleeper = duration -> Thread.sleep(duration);
        private double errorRate;
        private Supplier<? extends Exception> error = () -> new ToolException("injected failure", true, null);
        private double hangRate;
        private ToolSettings settings;
        private long seed = 42;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Sets the JSON Schema of the arguments from its JSON text; by default an object with no properties. */
        public Builder parameters(String schemaJson) {
            this.parameters = Json.MAPPER.readTree(schemaJson);
            return this;
        }

        /** Returns {@code result} for exactly these arguments, compared as canonical JSON with sorted keys. */
        public Builder respond(String argumentsJson, Object result) {
            return respond(argumentsJson, arguments -> result);
        }

        /** Responds to exactly these arguments, compared as canonical JSON, with {@code response}. */
        public Builder respond(String argumentsJson, Response response) {
            exact.put(Json.canonical(Json.MAPPER.readTree(argumentsJson)), Objects.requireNonNull(response, "response"));
            return this;
        }

        /** Responds to arguments that match {@code predicate} with {@code response}; exact matches are tried first. */
        public Builder respondWhen(Predicate<JsonNode> predicate, Response response) {
            rules.add(new Rule(Objects.requireNonNull(predicate, "predicate"), Objects.requireNonNull(response, "response")));
            return this;
        }

        /** Returns {@code result} for arguments nothing else matches. */
        public Builder defaultResponse(Object result) {
            return defaultResponse(arguments -> result);
        }

        /** Responds to arguments nothing else matches with {@code response}. */
        public Builder defaultResponse(Response response) {
            this.defaultResponse = Objects.requireNonNull(response, "response");
            return this;
        }

        public Builder latency(Latency latency) {
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /** Sets how latency and hangs are waited; tests pass {@code time::sleep} of a {@link ManualTime}. */
        public Builder sleeper(RetryPolicy.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Fails this fraction of calls, after their latency, with a retryable {@link ToolException} "injected failure". */
        public Builder errorRate(double rate) {
            return errorRate(rate, () -> new ToolException("injected failure", true, null));
        }

        /** Fails this fraction of calls, after their latency, with the exception {@code error} supplies. */
        public Builder errorRate(double rate, Supplier<? extends Exception> error) {
            this.errorRate = checkRate(rate);
            this.error = Objects.requireNonNull(error, "error");
            return this;
        }

        /** Makes this fraction of calls hang for {@link MockTool#HANG} through the sleeper, for timeout tests. */
        public Builder hangRate(double rate) {
            this.hangRate = checkRate(rate);
            return this;
        }

        /** Sets the seed of the random source of latency, failures and hangs; 42 by default. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Declares executor settings, as a real tool may. */
        public Builder settings(ToolSettings settings) {
            this.settings = settings;
            return this;
        }

        public MockTool build() {
            return new MockTool(this);
        }

        private static double checkRate(double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("Invalid rate " + rate + ": use a fraction from 0 to 1");
            }
            return rate;
        }
    }
}
