package dev.agentforge.monitor.profile;

import java.time.Duration;
import java.time.Instant;

/**
 * The profile of one ended run.
 *
 * @param runId the run's id
 * @param model the model label from the run's {@code run_started} event
 * @param outcome the terminal event's type: {@code done}, {@code error} or {@code cancelled}
 * @param startedAt the timestamp of {@code run_started}
 * @param wallTime the time from {@code run_started} to the terminal event
 * @param modelTime the summed time of the run's model calls
 * @param modelCalls the number of model calls
 * @param toolTime the summed handler time of the run's tool calls
 * @param queueWait the summed queue wait of the run's tool calls, zero when the profiler is not
 *     attached to the tool executor
 * @param toolCalls the number of tool calls
 * @param totalTokens the tokens the run used, as the terminal event or the run reported them
 * @param retainedBytes the estimate of the heap the run retains, from {@code AgentRun.retainedBytes()}
 *     when the run ended
 */
public record RunProfile(String runId, String model, String outcome, Instant startedAt, Duration wallTime,
        Duration modelTime, int modelCalls, Duration toolTime, Duration queueWait, int toolCalls, long totalTokens,
        long retainedBytes) {
}
