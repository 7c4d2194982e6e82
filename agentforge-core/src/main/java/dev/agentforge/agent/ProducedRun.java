package dev.agentforge.agent;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunStarted;
import dev.agentforge.model.ModelException;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread body of a run of an agent built with a {@link RunProducer}: logs {@code run_started},
 * calls the producer, and ends the run if the producer did not.
 */
final class ProducedRun implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ProducedRun.class);

    private final Agent agent;
    private final AgentRun run;
    private final RunProducer producer;

    ProducedRun(Agent agent, AgentRun run, RunProducer producer) {
        this.agent = agent;
        this.run = run;
        this.producer = producer;
    }

    @Override
    public void run() {
        String runId = run.id();
        run.emit((sequence, now) -> new RunStarted(runId, sequence, now, run.request().input(), agent.modelName(),
                agent.modelNote(), run.request().principal()));
        RunDriver driver = new RunDriver(run);
        try {
            producer.produce(driver);
            if (!run.status().finished()) {
                LOG.error("Run {} failed: its producer {} returned without ending the run", runId,
                        producer.getClass().getName());
                driver.fail(ErrorCodes.INTERNAL_ERROR, "The run producer " + producer.getClass().getName()
                        + " returned without ending the run", false, null);
            }
        } catch (InterruptedException | CancellationException e) {
            // cancel() has logged the cancelled event already, unless the interrupt came from elsewhere.
            run.finish(RunStatus.CANCELLED, (sequence, now) -> new RunCancelled(runId, sequence, now,
                    "the run's thread was interrupted"));
        } catch (ModelException e) {
            LOG.warn("Run {} failed: model call failed with {}: {}", runId, e.code(), e.getMessage());
            driver.fail(e);
        } catch (Exception e) {
            LOG.error("Run {} failed: its producer threw an unexpected exception", runId, e);
            driver.fail(ErrorCodes.INTERNAL_ERROR, e.getClass().getName() + ": " + e.getMessage(), false, null);
        }
    }
}
