package dev.agentforge.agent;

/**
 * The body of a run whose events come from outside AgentForge's tool-calling loop, such as a
 * LangChain4j AI Service or a LangGraph4j graph. An {@link Agent} built with
 * {@link Agent.Builder#producer} calls it on the run's virtual thread after logging
 * {@code run_started}, so the run is served by every transport like any other run.
 *
 * <p>The producer appends events through the {@link RunDriver} and ends the run with
 * {@link RunDriver#complete} or {@link RunDriver#fail}. When it returns or throws without ending the
 * run, the agent ends it:
 * <ul>
 *   <li>{@link InterruptedException} or {@link java.util.concurrent.CancellationException}: the run is
 *       cancelled, unless {@link AgentRun#cancel} has already ended it;</li>
 *   <li>{@link dev.agentforge.model.ModelException}: a fatal {@code error} with its code and partial text;</li>
 *   <li>any other exception, or a normal return: a fatal {@code error} with code {@code internal_error}.</li>
 * </ul>
 */
@FunctionalInterface
public interface RunProducer {

    /**
     * Produces the events of one run and ends it. Blocks until the run has ended: when it returns, the
     * run's thread ends. An interrupt of the calling thread means the run was cancelled.
     */
    void produce(RunDriver driver) throws Exception;
}
