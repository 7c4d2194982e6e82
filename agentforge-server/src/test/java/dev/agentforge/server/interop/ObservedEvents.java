package dev.agentforge.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Checks that a client received each event of a run exactly once, in order, as the run's log has it. */
final class ObservedEvents {

    private ObservedEvents() {
    }

    /**
     * Asserts that the received events, each with its SSE event name, SSE id and JSON data, are the
     * run's logged events one for one.
     */
    static void assertExactlyOnce(AgentRun run, List<JsonNode> received) {
        assertThat(run.status().finished()).as("run %s finished", run.id()).isTrue();
        List<AgentEvent> logged = run.log().after(0);
        List<Long> sequences = new ArrayList<>();
        for (JsonNode event : received) {
            sequences.add(event.path("data").path("sequence").asLong());
        }
        List<Long> expectedSequences = logged.stream().map(AgentEvent::sequence).toList();
        assertThat(sequences).as("sequence numbers received").isEqualTo(expectedSequences);
        for (int i = 0; i < logged.size(); i++) {
            AgentEvent expected = logged.get(i);
            JsonNode actual = received.get(i);
            assertThat(actual.path("type").asString()).as("event name of #%d", expected.sequence())
                    .isEqualTo(expected.type());
            assertThat(actual.path("lastEventId").asString()).as("id of #%d", expected.sequence())
                    .isEqualTo(run.id() + ":" + expected.sequence());
            assertThat(actual.path("data")).as("data of #%d", expected.sequence())
                    .isEqualTo(EventCodec.mapper().readTree(EventCodec.toJson(expected)));
        }
        assertThat(logged.getLast().terminal()).as("the last logged event is terminal").isTrue();
    }
}
