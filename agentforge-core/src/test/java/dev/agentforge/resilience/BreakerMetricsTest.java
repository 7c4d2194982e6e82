package dev.agentforge.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class BreakerMetricsTest {

    @Test
    void breakerStateAndCallsReachMicrometer() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CircuitBreakers breakers = CircuitBreakers.create().bindTo(meters);

        CircuitBreaker breaker = breakers.forTool("sql_query");
        breaker.executeSupplier(() -> "ok");
        breaker.transitionToOpenState();

        assertThat(meters.get("resilience4j.circuitbreaker.state")
                .tag("name", "tool:sql_query").tag("state", "open").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("resilience4j.circuitbreaker.state")
                .tag("name", "tool:sql_query").tag("state", "closed").gauge().value()).isEqualTo(0.0);
        assertThat(meters.get("resilience4j.circuitbreaker.calls")
                .tag("name", "tool:sql_query").tag("kind", "successful").timer().count()).isEqualTo(1);
    }
}
