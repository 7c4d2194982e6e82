package dev.agentforge.tool;

/**
 * Receives the {@link ToolExecutionEvent}s of a {@link ToolExecutor}. Events are delivered on the thread
 * where they happen, so a listener must return quickly and must not block. An exception a listener throws
 * is logged and does not affect the call.
 */
@FunctionalInterface
public interface ToolExecutionListener {

    void onEvent(ToolExecutionEvent event);
}
