package dev.agentforge.monitor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/** A {@link HealthCheck} made of a name, a timeout and a function. */
record FunctionHealthCheck(String name, Duration timeout, Callable<HealthCheck.Result> function)
        implements HealthCheck {

    FunctionHealthCheck {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A health check needs a non-blank name, got '" + name + "'");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The timeout of health check '" + name + "' must be positive, got "
                    + timeout);
        }
        Objects.requireNonNull(function, "function");
    }

    @Override
    public Result check() throws Exception {
        return function.call();
    }
}
