package dev.agentforge.monitor.profile;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event of one tool call, begun when the tool executor starts the handler and committed when the
 * call has its outcome. {@link #waited} and {@link #ran} are on the executor's clock.
 */
@Name(ToolCallEvent.NAME)
@Label("Tool Call")
@Category({"AgentForge"})
@Description("One tool call in the tool executor")
@StackTrace(false)
public final class ToolCallEvent extends Event {

    /** The JFR event name. */
    public static final String NAME = "dev.agentforge.ToolCall";

    @Label("Run ID")
    public String runId;

    @Label("Call ID")
    public String callId;

    @Label("Tool Name")
    public String toolName;

    @Label("Pool")
    public String pool;

    @Label("Outcome")
    @Description("SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, REJECTED or UNAVAILABLE")
    public String outcome;

    @Label("Waited")
    @Description("Queue wait for a pool slot or resource permits")
    @Timespan(Timespan.NANOSECONDS)
    public long waited;

    @Label("Ran")
    @Description("Handler time until the outcome")
    @Timespan(Timespan.NANOSECONDS)
    public long ran;

    @Label("Attempts")
    public int attempts;
}
