package dev.agentforge.benchmarks;

import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.resilience.ResilientTool;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cost of one successful no-op call through a closed circuit breaker, on one thread:
 *
 * <ul>
 * <li>{@code plainCall}: the supplier called directly, the baseline.
 * <li>{@code resilience4jDecorateSupplier} and {@code resilience4jExecuteSupplier}: Resilience4j's own
 *     API on a breaker created without AgentForge, with the same configuration as AgentForge's.
 * <li>{@code resilience4jWithTransitionListener}: the same with a consumer of state transition events
 *     registered, as {@link CircuitBreakers} registers one on each breaker it creates.
 * <li>{@code agentForgeBreaker}: the breaker that {@link CircuitBreakers#forTool} returns, looked up once.
 * <li>{@code agentForgeBreakerLookedUpPerCall}: the same, looked up by name on every call.
 * <li>{@code plainTool}: a no-op {@link Tool} called directly.
 * <li>{@code resilientTool}: that tool through {@link ResilientTool}, which adds the breaker and the
 *     default {@code RetryPolicy} (3 attempts, unused because the call succeeds).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class CircuitBreakerBenchmark {

    private static final String TOOL_NAME = "noop";

    private String result = "ok";
    private final Supplier<String> noop = () -> result;

    private CircuitBreaker resilience4jBreaker;
    private CircuitBreaker resilience4jListenedBreaker;
    private Supplier<String> resilience4jDecorated;
    private CircuitBreakers breakers;
    private CircuitBreaker agentForgeBreaker;
    private Tool plainTool;
    private ResilientTool resilientTool;
    private JsonNode arguments;
    private ToolContext context;

    @Setup(Level.Trial)
    public void setUp() {
        breakers = CircuitBreakers.create();
        agentForgeBreaker = breakers.forTool(TOOL_NAME);
        resilience4jBreaker = CircuitBreaker.of("direct", agentForgeBreaker.getCircuitBreakerConfig());
        resilience4jDecorated = CircuitBreaker.decorateSupplier(resilience4jBreaker, noop);
        resilience4jListenedBreaker = CircuitBreaker.of("listened", agentForgeBreaker.getCircuitBreakerConfig());
        resilience4jListenedBreaker.getEventPublisher().onStateTransition(event -> { });

        plainTool = Tool.builder(TOOL_NAME)
                .description("Does nothing and returns ok.")
                .handler((args, ctx) -> result)
                .build();
        // A registry of its own, so that the breaker calls above do not share its sliding window.
        resilientTool = ResilientTool.builder(plainTool).breakers(CircuitBreakers.create()).build();
        arguments = JsonMapper.builder().build().createObjectNode();
        context = new ToolContext("run_benchmark", "call_1", "anonymous");
    }

    @Benchmark
    public String plainCall() {
        return noop.get();
    }

    @Benchmark
    public String resilience4jDecorateSupplier() {
        return resilience4jDecorated.get();
    }

    @Benchmark
    public String resilience4jExecuteSupplier() {
        return resilience4jBreaker.executeSupplier(noop);
    }

    @Benchmark
    public String resilience4jWithTransitionListener() {
        return resilience4jListenedBreaker.executeSupplier(noop);
    }

    @Benchmark
    public String agentForgeBreaker() {
        return agentForgeBreaker.executeSupplier(noop);
    }

    @Benchmark
    public String agentForgeBreakerLookedUpPerCall() {
        return breakers.forTool(TOOL_NAME).executeSupplier(noop);
    }

    @Benchmark
    public Object plainTool() throws Exception {
        return plainTool.execute(arguments, context);
    }

    @Benchmark
    public Object resilientTool() throws Exception {
        return resilientTool.execute(arguments, context);
    }
}
