package dev.agentforge.agent;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.transport.InMemoryEventLog;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * An agent: a LangChain4j model, the tools it may call and the limits of its tool-calling loop. An
 * agent is immutable and thread-safe; each {@link #start} begins an independent {@link AgentRun} on its
 * own virtual thread.
 *
 * <pre>{@code
 * Agent agent = Agent.builder()
 *         .model(chatModel)
 *         .tools(sqlTool, calculator)
 *         .build();
 * AgentRun run = agent.start("How much revenue did we make?");
 * run.events().subscribe(event -> System.out.println(EventCodec.toJson(event)));
 * }</pre>
 */
public final class Agent {

    /** The step limit when none is set: the model may call tools on up to this many turns. */
    public static final int DEFAULT_MAX_STEPS = 10;

    private final ChatModel chatModel;
    private final StreamingChatModel streamingModel;
    private final ToolExecutor toolExecutor;
    private final String systemPrompt;
    private final int maxSteps;
    private final String modelName;
    private final String modelNote;
    private final Clock clock;
    private final Supplier<String> runIds;
    private final ModelCallListener modelCallListener;
    private final InMemoryEventLog.Retention eventLogRetention;
    private final RunProducer producer;

    private Agent(Builder builder) {
        this.producer = builder.producer;
        this.chatModel = builder.chatModel;
        this.streamingModel = builder.streamingModel;
        this.toolExecutor = builder.toolExecutor != null
                ? builder.toolExecutor
                : new ToolExecutor(builder.registry, builder.clock);
        this.systemPrompt = builder.systemPrompt;
        this.maxSteps = builder.maxSteps;
        this.modelName = builder.modelName != null ? builder.modelName : defaultModelName();
        this.modelNote = builder.modelNote;
        this.clock = builder.clock;
        this.runIds = builder.runIds;
        this.modelCallListener = builder.modelCallListener;
        this.eventLogRetention = builder.eventLogRetention;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a run for the anonymous principal. */
    public AgentRun start(String input) {
        return start(RunRequest.of(input));
    }

    /** Starts a run on its own virtual thread and returns its handle at once. */
    public AgentRun start(RunRequest request) {
        AgentRun run = new AgentRun(runIds.get(), request, clock, eventLogRetention);
        Runnable body = producer != null ? new ProducedRun(this, run, producer) : new AgentLoop(this, run);
        Thread thread = Thread.ofVirtual().name("agentforge-run-" + run.id()).unstarted(body);
        run.attach(thread);
        thread.start();
        return run;
    }

    /** The tools this agent may call. */
    public ToolRegistry tools() {
        return toolExecutor.registry();
    }

    /** The label of the model, as sent in each run's {@code run_started} event. */
    public String modelName() {
        return modelName;
    }

    /** The note about the model sent in each run's {@code run_started} event, or null. */
    public String modelNote() {
        return modelNote;
    }

    /** The step limit: the model may call tools on up to this many turns before it must answer. */
    public int maxSteps() {
        return maxSteps;
    }

    ChatModel chatModel() {
        return chatModel;
    }

    StreamingChatModel streamingModel() {
        return streamingModel;
    }

    ToolExecutor toolExecutor() {
        return toolExecutor;
    }

    String systemPrompt() {
        return systemPrompt;
    }

    Clock clock() {
        return clock;
    }

    ModelCallListener modelCallListener() {
        return modelCallListener;
    }

    private String defaultModelName() {
        if (producer != null) {
            return producer.getClass().getSimpleName();
        }
        Object model = streamingModel != null ? streamingModel : chatModel;
        return model.getClass().getSimpleName();
    }

    /** Builds an {@link Agent}. A model or a producer is required, and everything else has a default. */
    public static final class Builder {
        private ChatModel chatModel;
        private StreamingChatModel streamingModel;
        private ToolRegistry registry = new ToolRegistry();
        private ToolExecutor toolExecutor;
        private String systemPrompt;
        private int maxSteps = DEFAULT_MAX_STEPS;
        private String modelName;
        private String modelNote;
        private Clock clock = Clock.systemUTC();
        private Supplier<String> runIds = () -> "run_" + UUID.randomUUID().toString().replace("-", "");
        private ModelCallListener modelCallListener;
        private InMemoryEventLog.Retention eventLogRetention = InMemoryEventLog.Retention.UNLIMITED;
        private RunProducer producer;

        private Builder() {
        }

        /** Uses a blocking model: each answer arrives whole and is sent as one token event. */
        public Builder model(ChatModel model) {
            this.chatModel = Objects.requireNonNull(model, "model");
            this.streamingModel = null;
            return this;
        }

        /** Uses a streaming model: tokens and reasoning are sent as events as they arrive. */
        public Builder model(StreamingChatModel model) {
            this.streamingModel = Objects.requireNonNull(model, "model");
            this.chatModel = null;
            return this;
        }

        /** Adds tools to the agent's registry. */
        public Builder tools(Tool... tools) {
            for (Tool tool : tools) {
                registry.register(tool);
            }
            return this;
        }

        /** Adds every LangChain4j {@code @Tool} method of each object. */
        public Builder annotatedTools(Object... objects) {
            for (Object object : objects) {
                registry.registerAnnotated(object);
            }
            return this;
        }

        /** Replaces the registry with a prepared one. */
        public Builder toolRegistry(ToolRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Uses a prepared executor, which brings its own registry. */
        public Builder toolExecutor(ToolExecutor executor) {
            this.toolExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public Builder systemPrompt(String systemPrompt) {
            this.systemPrompt = systemPrompt;
            return this;
        }

        /** Sets how many model turns may call tools before the run fails with {@code step_limit_exceeded}. */
        public Builder maxSteps(int maxSteps) {
            if (maxSteps < 1) {
                throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
            }
            this.maxSteps = maxSteps;
            return this;
        }

        /** Sets the model label sent in {@code run_started}, such as {@code openai:gpt-4o-mini}. */
        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /** Sets a note about the model for people watching the run, sent in {@code run_started}. */
        public Builder modelNote(String modelNote) {
            this.modelNote = modelNote;
            return this;
        }

        /** Sets the clock for event timestamps and durations; tests pass a fixed or stepping clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets where run ids come from; the default is {@code run_} and a random UUID. */
        public Builder runIds(Supplier<String> runIds) {
            this.runIds = Objects.requireNonNull(runIds, "runIds");
            return this;
        }

        /** Sets the listener that receives each model call once it has ended, such as a tracer; null for none. */
        public Builder modelCallListener(ModelCallListener listener) {
            this.modelCallListener = listener;
            return this;
        }

        /**
         * Sets how many events, or estimated bytes, each run's event log keeps; by default every event.
         * Beyond the limit the oldest events are trimmed, and a client that resumes before them gets an
         * {@code events_lost} notice that names them.
         */
        public Builder eventLogRetention(InMemoryEventLog.Retention retention) {
            this.eventLogRetention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /**
         * Makes each run's events come from the producer in place of the tool-calling loop, such as
         * an adapter of a LangChain4j AI Service or a LangGraph4j graph. The model, tools, system
         * prompt and step limit are then not used; the model label, clock, run ids and event log
         * retention still apply.
         */
        public Builder producer(RunProducer producer) {
            this.producer = Objects.requireNonNull(producer, "producer");
            return this;
        }

        public Agent build() {
            if (producer == null && chatModel == null && streamingModel == null) {
                throw new IllegalStateException("No model set: call model(...) with a LangChain4j ChatModel or"
                        + " StreamingChatModel, or producer(...) with a RunProducer");
            }
            return new Agent(this);
        }
    }
}
