package dev.agentforge.monitor.profile;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event of one model call, committed by the {@link AgentProfiler}. With its model call listener
 * the event is committed right after the call; otherwise when the call's end shows in the run's events
 * (the first {@code action} of the next tool turn or the terminal event). {@link #elapsed} is the
 * duration on the agent's clock.
 */
@Name(ModelCallEvent.NAME)
@Label("Model Call")
@Category({"AgentForge"})
@Description("One model call of an agent run")
@StackTrace(false)
public final class ModelCallEvent extends Event {

    /** The JFR event name. */
    public static final String NAME = "dev.agentforge.ModelCall";

    @Label("Run ID")
    public String runId;

    @Label("Model")
    public String model;

    @Label("Step")
    @Description("The loop step of the call, from 1")
    public int step;

    @Label("Outcome")
    @Description("From events: tool_calls, or the run's terminal event. From the listener: the finish reason, or error")
    public String outcome;

    @Label("Elapsed")
    @Timespan(Timespan.NANOSECONDS)
    public long elapsed;

    @Label("Input Tokens")
    @Description("As the provider reported them; 0 when the call is derived from events")
    public long inputTokens;

    @Label("Output Tokens")
    @Description("As the provider reported them; 0 when the call is derived from events")
    public long outputTokens;
}
