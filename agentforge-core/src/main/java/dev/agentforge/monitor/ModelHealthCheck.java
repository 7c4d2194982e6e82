package dev.agentforge.monitor;

import dev.agentforge.resilience.CircuitBreakers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The model provider as a health check, without a model call: {@code DEGRADED} while a
 * {@code model:*} circuit breaker is open or half-open, or while the optional probe fails, such as an
 * {@link dev.agentforge.resource.http.UpstreamHealthCheck} of the provider's base URL. The probe runs
 * within this check's timeout. A failing provider never makes the service not ready, because every
 * replica depends on the same provider.
 */
public final class ModelHealthCheck implements HealthCheck, AutoCloseable {

    /** The name the check is registered under. */
    public static final String NAME = "model";

    private final BreakerHealthCheck breakers;
    private final HealthCheck probe;

    /**
     * Creates the check.
     *
     * @param breakers the breakers of the service, or null for none
     * @param probe a cheap probe of the provider, or null for none
     */
    public ModelHealthCheck(CircuitBreakers breakers, HealthCheck probe) {
        this.breakers = breakers == null ? null : new BreakerHealthCheck(NAME, breakers,
                breaker -> breaker.startsWith(CircuitBreakers.MODEL_PREFIX));
        this.probe = probe;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return probe == null ? DEFAULT_TIMEOUT : probe.timeout();
    }

    @Override
    public Result check() throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        String breakerMessage = null;
        if (breakers != null) {
            Result breakerResult = breakers.check();
            details.put("breakers", breakerResult.details());
            breakerMessage = breakerResult.state() == HealthState.UP ? null : breakerResult.message();
        }
        String probeMessage = null;
        if (probe != null) {
            Result probeResult;
            try {
                probeResult = Objects.requireNonNullElse(probe.check(), Result.down("the probe returned no status"));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                probeResult = Result.down(HealthRegistry.messageOf(e));
            }
            Map<String, Object> probeDetails = new LinkedHashMap<>(probeResult.details());
            probeDetails.put("state", probeResult.state().name());
            if (probeResult.message() != null) {
                probeDetails.put("message", probeResult.message());
            }
            details.put("probe", probeDetails);
            probeMessage = probeResult.state() == HealthState.UP ? null : "probe " + probe.name() + ": "
                    + probeResult.message();
        }
        if (breakerMessage == null && probeMessage == null) {
            return new Result(HealthState.UP, null, details);
        }
        String message = breakerMessage == null ? probeMessage
                : probeMessage == null ? breakerMessage : breakerMessage + "; " + probeMessage;
        return new Result(HealthState.DEGRADED, message, details);
    }

    @Override
    public void close() {
        if (breakers != null) {
            breakers.close();
        }
    }
}
