package dev.agentforge.examples.annotated;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.Action;
import dev.agentforge.event.Observation;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * Tools written as LangChain4j {@code @Tool} methods, as an existing LangChain4j code base has them.
 * AgentForge derives each tool's JSON Schema from the method, validates the model's arguments against
 * it and binds them to the parameters.
 */
public final class AnnotatedToolsExample {

    /** Date tools, written as a LangChain4j user would write them. */
    public static final class DateTools {

        @Tool("Counts the days from one ISO date (yyyy-mm-dd) to another")
        public long daysBetween(@P("from") String from, @P("to") String to) {
            return ChronoUnit.DAYS.between(LocalDate.parse(from), LocalDate.parse(to));
        }

        @Tool("Adds a number of days to an ISO date (yyyy-mm-dd) and returns the new date")
        public String addDays(@P("date") String date, @P("days") int days) {
            return LocalDate.parse(date).plusDays(days).toString();
        }
    }

    private AnnotatedToolsExample() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("Answer: " + run("How many days from 2026-01-01 to 2026-12-24?", System.out).answer());
    }

    /** Runs the agent on one question, prints its tool calls to {@code out}, and returns the result. */
    public static RunResult run(String question, PrintStream out) throws Exception {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("days", "from (\\d{4}-\\d{2}-\\d{2}) to (\\d{4}-\\d{2}-\\d{2})", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("daysBetween",
                                "{\"from\": \"" + turn.group(1) + "\", \"to\": \"" + turn.group(2) + "\"}")
                        : ScriptStep.answer("There are " + turn.lastResult().text() + " days from "
                                + turn.group(1) + " to " + turn.group(2) + "."))
                .build();
        Agent agent = Agent.builder().model(model).annotatedTools(new DateTools()).modelName("scripted").build();

        AgentRun run = agent.start(question);
        run.events().doOnNext(event -> {
            if (event instanceof Action action) {
                out.println("calls " + action.tool() + " " + action.arguments());
            } else if (event instanceof Observation observation) {
                out.println("gets  " + (observation.failed() ? observation.error() : observation.result()));
            }
        }).blockLast();
        return run.result().get();
    }
}
