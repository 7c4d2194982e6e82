package dev.agentforge.monitor.profile;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event of one agent run, committed by the {@link AgentProfiler} when the run ends. The event's
 * own duration spans from the profiler receiving {@code run_started} to it receiving the terminal event;
 * {@link #elapsed} is the duration on the agent's clock.
 */
@Name(RunEvent.NAME)
@Label("Agent Run")
@Category({"AgentForge"})
@Description("One agent run, from run_started to its terminal event")
@StackTrace(false)
public final class RunEvent extends Event {

    /** The JFR event name. */
    public static final String NAME = "dev.agentforge.Run";

    @Label("Run ID")
    public String runId;

    @Label("Model")
    public String model;

    @Label("Outcome")
    @Description("The terminal event: done, error or cancelled")
    public String outcome;

    @Label("Elapsed")
    @Description("From run_started to the terminal event, on the agent's clock")
    @Timespan(Timespan.NANOSECONDS)
    public long elapsed;

    @Label("Total Tokens")
    public long totalTokens;

    @Label("Retained Bytes")
    @Description("The heap the run's event log retains when the run ends, an estimate")
    @DataAmount(DataAmount.BYTES)
    public long retainedBytes;
}
