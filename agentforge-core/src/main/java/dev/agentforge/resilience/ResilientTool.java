package dev.agentforge.resilience;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A {@link Tool} that runs another one through the circuit breaker {@code tool:<name>} and the
 * {@link RetryPolicy}, with an optional fallback: a fixed value, or another tool called with the same
 * arguments.
 *
 * <p>A call the open breaker rejects fails with a {@link ToolException} the model reads: it names the
 * breaker and when the tool can be called again. It is not retried. The fallback takes over from
 * every failure left after the retries except two: a {@link ToolException} that is not retryable, whose
 * message explains to the model how to call the tool correctly, and an {@link InterruptedException}, which means the
 * run was cancelled. Both go to the caller unchanged.
 */
public final class ResilientTool implements Tool {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientTool.class);

    private final Tool delegate;
    private final CircuitBreakers breakers;
    private final CircuitBreaker breaker;
    private final RetryPolicy retryPolicy;
    private final Object fallbackValue;
    private final Tool fallbackTool;

    private ResilientTool(Builder builder) {
        this.delegate = builder.delegate;
        this.breakers = builder.breakers != null ? builder.breakers : CircuitBreakers.create();
        this.breaker = breakers.forTool(delegate.name());
        this.retryPolicy = builder.retryPolicy != null ? builder.retryPolicy : RetryPolicy.defaults(breaker.getName());
        this.fallbackValue = builder.fallbackValue;
        this.fallbackTool = builder.fallbackTool;
    }

    /** Starts a decorator of {@code delegate}, whose breaker is {@code tool:<delegate's name>}. */
    public static Builder builder(Tool delegate) {
        return new Builder(delegate);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public JsonNode parameters() {
        return delegate.parameters();
    }

    /** The breaker in front of the tool. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        try {
            return retryPolicy.call(() -> executeThroughBreaker(arguments, context));
        } catch (InterruptedException e) {
            throw e;
        } catch (ToolException e) {
            if (!e.retryable() && !CircuitBreakers.isRejection(e)) {
                throw e;
            }
            return fallback(e, arguments, context);
        } catch (Exception e) {
            return fallback(e, arguments, context);
        }
    }

    private Object executeThroughBreaker(JsonNode arguments, ToolContext context) throws Exception {
        try {
            return breaker.executeCallable(() -> delegate.execute(arguments, context));
        } catch (CallNotPermittedException e) {
            throw new ToolException("Tool '" + name() + "' is temporarily unavailable and was not called. "
                    + breakers.describeRejection(breaker.getName())
                    + " Continue without this tool, or call it again after that time.", false, e);
        }
    }

    private Object fallback(Exception failure, JsonNode arguments, ToolContext context) throws Exception {
        if (fallbackTool != null) {
            LOG.warn("Tool {} failed in run {} (call {}), so fallback tool {} runs instead: {}", name(), context.runId(),
                    context.callId(), fallbackTool.name(), failure.getMessage());
            try {
                return fallbackTool.execute(arguments, context);
            } catch (Exception e) {
                e.addSuppressed(failure);
                throw e;
            }
        }
        if (fallbackValue != null) {
            LOG.warn("Tool {} failed in run {} (call {}), so it returns its fallback value: {}", name(), context.runId(),
                    context.callId(), failure.getMessage());
            return fallbackValue;
        }
        throw failure;
    }

    /** Builds a {@link ResilientTool}. */
    public static final class Builder {
        private final Tool delegate;
        private CircuitBreakers breakers;
        private RetryPolicy retryPolicy;
        private Object fallbackValue;
        private Tool fallbackTool;

        private Builder(Tool delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /** Sets the registry the breaker comes from; by default a registry of its own with default settings. */
        public Builder breakers(CircuitBreakers breakers) {
            this.breakers = breakers;
            return this;
        }

        /** Sets the retry policy; by default {@link RetryPolicy#defaults}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = retryPolicy;
            return this;
        }

        /**
         * Sets the result returned when the tool fails, such as a text telling the model the data is
         * unavailable. A {@link String} reaches the model as it is, anything else as JSON.
         */
        public Builder fallbackValue(Object value) {
            this.fallbackValue = Objects.requireNonNull(value, "value");
            return this;
        }

        /**
         * Sets the tool called when this one fails. It gets the same arguments, validated against this
         * tool's schema, so it must accept them.
         */
        public Builder fallbackTool(Tool tool) {
            this.fallbackTool = Objects.requireNonNull(tool, "tool");
            return this;
        }

        public ResilientTool build() {
            if (fallbackValue != null && fallbackTool != null) {
                throw new IllegalStateException("Tool " + delegate.name()
                        + " has both a fallback value and a fallback tool; set only one");
            }
            return new ResilientTool(this);
        }
    }
}
