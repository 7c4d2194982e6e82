package dev.agentforge.server;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.event.EventCodec;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * The draining state of a server in a graceful shutdown: once {@link #start} is called, every new run
 * is rejected with 503 {@code shutting_down} and a {@code Retry-After} header, and the server waits
 * for the runs in flight with {@link #awaitRuns}.
 */
final class Drain {

    /**
     * The {@code Retry-After} value, in seconds, sent with {@code shutting_down}. It is short because a
     * retry through the load balancer reaches another replica, which can take the run at once.
     */
    static final int RETRY_AFTER_SECONDS = 2;

    private static final long POLL_MILLIS = 20;

    private final AtomicBoolean draining = new AtomicBoolean();

    /** Turns draining on. Returns false if it was already on. */
    boolean start() {
        return draining.compareAndSet(false, true);
    }

    /** Returns whether the server is draining. */
    boolean active() {
        return draining.get();
    }

    /**
     * Rejects the run while draining; a run registry admission check. The registry runs its checks
     * while it holds its lock, so no run starts after {@link #start} returns.
     *
     * @throws ApiException 503 {@code shutting_down} while draining
     */
    void admit(RunRequest request) {
        if (draining.get()) {
            throw rejection();
        }
    }

    /** Returns the 503 {@code shutting_down} error with its {@code Retry-After} header. */
    static ApiException rejection() {
        return new ApiException(503, ErrorCode.SHUTTING_DOWN, "The server is shutting down and starts no new"
                + " runs; retry after " + RETRY_AFTER_SECONDS + " s (the Retry-After header), when the request"
                + " reaches another replica", Map.of(),
                Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
    }

    /**
     * Returns a servlet filter that rejects requests with 503 {@code shutting_down} while draining, such
     * as WebSocket upgrades, which Javalin's handlers do not see because their endpoint has its own
     * servlet.
     */
    Filter rejectingFilter() {
        return (request, response, chain) -> {
            if (draining.get() && response instanceof HttpServletResponse http) {
                writeRejection(http);
                return;
            }
            chain.doFilter(request, response);
        };
    }

    private static void writeRejection(HttpServletResponse response) throws IOException {
        ApiException rejection = rejection();
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", rejection.code());
        error.put("message", rejection.getMessage());
        error.put("status", rejection.status());
        byte[] body = EventCodec.mapper().writeValueAsString(Map.of("error", error))
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(rejection.status());
        rejection.headers().forEach(response::setHeader);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Returns the registry's runs that are still working. */
    static List<AgentRun> working(RunRegistry registry) {
        return registry.runs().stream().filter(run -> !run.status().finished()).toList();
    }

    /**
     * Waits until no run of the registry is working, or the timeout passes. Returns the runs still
     * working, which is empty when all finished in time.
     */
    static List<AgentRun> awaitRuns(RunRegistry registry, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<AgentRun> working = working(registry);
            long remaining = deadline - System.nanoTime();
            if (working.isEmpty() || remaining <= 0) {
                return working;
            }
            CompletableFuture<?>[] results = working.stream().map(AgentRun::result)
                    .toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(results).get(remaining, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                // A run whose result failed has finished too, so the loop reads the statuses again.
            } catch (TimeoutException e) {
                // The next pass finds the deadline passed and returns the runs still working.
            }
        }
    }

    /**
     * Waits until the count reaches 0, or the timeout passes, checking every 20 ms. Returns whether
     * it reached 0.
     */
    static boolean awaitZero(IntSupplier count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.getAsInt() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
