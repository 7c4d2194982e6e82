package dev.agentforge.progress;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A signal that work should stop, passed to everything a run starts: the model call, tool calls,
 * child runs and the processes tools start. Cancelling runs each registered action once; an action
 * registered after the cancel runs at once. A child token is cancelled with its parent, never the
 * other way round.
 */
public final class CancellationToken {

    private static final Logger LOG = LoggerFactory.getLogger(CancellationToken.class);

    private final Object lock = new Object();
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private volatile String reason;
    private volatile Registration fromParent;

    private CancellationToken() {
    }

    /** Creates a token that is not cancelled. */
    public static CancellationToken create() {
        return new CancellationToken();
    }

    /** Creates a token that is cancelled, with the same reason, when this one is. */
    public CancellationToken child() {
        CancellationToken child = new CancellationToken();
        child.fromParent = onCancel(() -> child.cancel(reason));
        return child;
    }

    /**
     * Detaches a child from its parent once the work it guards is done, unless actions are still
     * registered on it, such as the link to a child run that outlives the call. Without it, every
     * finished child of a long-lived token, such as a run's, would keep an action on that token.
     */
    public void release() {
        Registration registration = fromParent;
        if (registration != null && actions.isEmpty()) {
            fromParent = null;
            registration.close();
        }
    }

    /**
     * Cancels the token and runs the registered actions on the calling thread.
     *
     * @return true if this call cancelled it, false if it was already cancelled
     */
    public boolean cancel(String why) {
        String text = why == null || why.isBlank() ? "cancelled" : why;
        synchronized (lock) {
            if (reason != null) {
                return false;
            }
            reason = text;
        }
        for (Runnable action : actions) {
            runSafely(action);
        }
        actions.clear();
        return true;
    }

    /** Whether the token is cancelled. */
    public boolean isCancelled() {
        return reason != null;
    }

    /** The reason given to {@link #cancel}, or null while not cancelled. */
    public String reason() {
        return reason;
    }

    /**
     * Registers an action to run when the token is cancelled, or runs it now if it already is. Close the
     * returned registration when the work it guards is done, so the action is not kept.
     */
    public Registration onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (lock) {
            if (reason == null) {
                actions.add(action);
                return () -> actions.remove(action);
            }
        }
        runSafely(action);
        return () -> { };
    }

    /** Throws if the token is cancelled, for loops that check between steps. */
    public void throwIfCancelled() {
        String why = reason;
        if (why != null) {
            throw new CancellationException(why);
        }
    }

    private static void runSafely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("A cancellation action failed", e);
        }
    }

    /** A registered cancellation action; closing it removes the action. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
