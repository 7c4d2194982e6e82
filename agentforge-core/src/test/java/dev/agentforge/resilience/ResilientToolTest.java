package dev.agentforge.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ResilientToolTest {

    private static final ToolContext CONTEXT = new ToolContext("run_1", "call_1", "anonymous");
    private static final JsonNode ARGUMENTS = JsonMapper.builder().build().readTree("{\"city\":\"Oslo\"}");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final AtomicInteger calls = new AtomicInteger();

    private final CircuitBreakers breakers = CircuitBreakers.builder()
            .defaults(BreakerSettings.builder().slidingWindow(SlidingWindowType.COUNT_BASED, 2).minimumNumberOfCalls(2)
                    .automaticTransitionFromOpenToHalfOpen(false).build())
            .clock(clock)
            .build();

    private final RetryPolicy retries = RetryPolicy.builder("test").maxAttempts(3)
            .backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1)).jitter(0).sleeper(duration -> { }).build();

    private Tool tool(Exception... failures) {
        return Tool.builder("weather")
                .description("Returns the weather of a city")
                .handler((arguments, context) -> {
                    int call = calls.getAndIncrement();
                    if (call < failures.length) {
                        throw failures[call];
                    }
                    return "sunny in " + arguments.get("city").asString();
                })
                .build();
    }

    @Test
    void retriesRetryableFailures() throws Exception {
        ResilientTool tool = ResilientTool.builder(tool(new IOException("reset"), new ToolException("timed out", true, null)))
                .breakers(CircuitBreakers.create()).retryPolicy(retries).build();

        assertThat(tool.execute(ARGUMENTS, CONTEXT)).isEqualTo("sunny in Oslo");
        assertThat(calls).hasValue(3);
        assertThat(tool.name()).isEqualTo("weather");
        assertThat(tool.breaker().getName()).isEqualTo("tool:weather");
    }

    @Test
    void nonRetryableToolExceptionSkipsFallback() {
        ResilientTool tool = ResilientTool.builder(tool(new ToolException("No city named 'Olso'. Check the spelling.")))
                .breakers(breakers).retryPolicy(retries).fallbackValue("weather unavailable").build();

        assertThatThrownBy(() -> tool.execute(ARGUMENTS, CONTEXT))
                .isInstanceOf(ToolException.class)
                .hasMessage("No city named 'Olso'. Check the spelling.");
        assertThat(calls).hasValue(1);
    }

    @Test
    void openBreakerFailsWithReadableMessage() throws Exception {
        ResilientTool tool = ResilientTool.builder(tool(new IOException("a"), new IOException("b"), new IOException("c"),
                        new IOException("d")))
                .breakers(breakers).retryPolicy(RetryPolicy.none("none")).build();
        assertThatThrownBy(() -> tool.execute(ARGUMENTS, CONTEXT)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> tool.execute(ARGUMENTS, CONTEXT)).isInstanceOf(IOException.class);
        clock.advance(Duration.ofSeconds(12));

        assertThatThrownBy(() -> tool.execute(ARGUMENTS, CONTEXT))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(CallNotPermittedException.class);
                })
                .hasMessage("Tool 'weather' is temporarily unavailable and was not called. Circuit breaker 'tool:weather'"
                        + " is open since 2026-03-01T12:00:00Z because the failure rate 100.0% reached the threshold"
                        + " 50.0%. It lets trial calls through at 2026-03-01T12:00:30Z (in 18 s). Continue without this"
                        + " tool, or call it again after that time.");
        assertThat(calls).hasValue(2);
    }

    @Test
    void fallbackValueAfterRetriesExhausted() throws Exception {
        ResilientTool tool = ResilientTool.builder(tool(new IOException("a"), new IOException("b"), new IOException("c")))
                .breakers(CircuitBreakers.create()).retryPolicy(retries).fallbackValue("weather unavailable").build();

        assertThat(tool.execute(ARGUMENTS, CONTEXT)).isEqualTo("weather unavailable");
        assertThat(calls).hasValue(3);
    }

    @Test
    void fallbackToolWhenBreakerOpen() throws Exception {
        Tool cached = Tool.builder("cached_weather").description("Returns yesterday's weather")
                .handler((arguments, context) -> "cloudy in " + arguments.get("city").asString() + " (yesterday)")
                .build();
        ResilientTool tool = ResilientTool.builder(tool(new IOException("a"), new IOException("b")))
                .breakers(breakers).retryPolicy(RetryPolicy.none("none")).fallbackTool(cached).build();

        assertThat(tool.execute(ARGUMENTS, CONTEXT)).isEqualTo("cloudy in Oslo (yesterday)");
        assertThat(tool.execute(ARGUMENTS, CONTEXT)).isEqualTo("cloudy in Oslo (yesterday)");
        assertThat(tool.execute(ARGUMENTS, CONTEXT)).as("breaker open").isEqualTo("cloudy in Oslo (yesterday)");
        assertThat(calls).hasValue(2);
    }

    @Test
    void failingFallbackToolKeepsFirstFailure() {
        Tool broken = Tool.builder("broken").description("Always fails")
                .handler((arguments, context) -> {
                    throw new IOException("backup down");
                })
                .build();
        ResilientTool tool = ResilientTool.builder(tool(new IOException("primary down")))
                .breakers(CircuitBreakers.create()).retryPolicy(RetryPolicy.none("none")).fallbackTool(broken).build();

        assertThatThrownBy(() -> tool.execute(ARGUMENTS, CONTEXT))
                .hasMessage("backup down")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("primary down"));
    }

    @Test
    void bothFallbacksAreRejected() {
        assertThatThrownBy(() -> ResilientTool.builder(tool()).fallbackValue("x").fallbackTool(tool()).build())
                .hasMessage("Tool weather has both a fallback value and a fallback tool; set only one");
    }
}
