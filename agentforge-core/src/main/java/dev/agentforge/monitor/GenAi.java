package dev.agentforge.monitor;

/**
 * Names from the OpenTelemetry GenAI semantic conventions (status: development), shared by
 * {@link RunMetrics} and {@link RunTracer}, and the split of a model label into provider and model.
 */
final class GenAi {

    static final String OPERATION_NAME = "gen_ai.operation.name";
    static final String PROVIDER_NAME = "gen_ai.provider.name";
    static final String REQUEST_MODEL = "gen_ai.request.model";
    static final String RESPONSE_MODEL = "gen_ai.response.model";
    static final String RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
    static final String TOKEN_TYPE = "gen_ai.token.type";
    static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
    static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    static final String TOOL_NAME = "gen_ai.tool.name";
    static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
    static final String TOOL_TYPE = "gen_ai.tool.type";
    static final String CONVERSATION_ID = "gen_ai.conversation.id";
    static final String ERROR_TYPE = "error.type";

    static final String INVOKE_AGENT = "invoke_agent";
    static final String CHAT = "chat";
    static final String EXECUTE_TOOL = "execute_tool";

    private GenAi() {
    }

    /** Returns the provider of a label such as {@code openai:gpt-4o-mini}, or the whole label when it has no colon. */
    static String provider(String modelLabel) {
        if (modelLabel == null || modelLabel.isBlank()) {
            return "unknown";
        }
        int colon = modelLabel.indexOf(':');
        return colon < 0 ? modelLabel : modelLabel.substring(0, colon);
    }

    /** Returns the model of a label such as {@code openai:gpt-4o-mini}, or the whole label when it has no colon. */
    static String model(String modelLabel) {
        if (modelLabel == null || modelLabel.isBlank()) {
            return "unknown";
        }
        int colon = modelLabel.indexOf(':');
        return colon < 0 ? modelLabel : modelLabel.substring(colon + 1);
    }
}
