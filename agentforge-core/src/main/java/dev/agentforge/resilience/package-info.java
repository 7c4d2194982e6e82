/**
 * Retries, circuit breakers and fallbacks for model and tool calls, on Resilience4j: {@link
 * dev.agentforge.resilience.RetryPolicy}, {@link dev.agentforge.resilience.CircuitBreakers}, {@link
 * dev.agentforge.resilience.ResilientChatModel}, {@link dev.agentforge.resilience.FallbackChatModel} and
 * {@link dev.agentforge.resilience.ResilientTool}. docs/resilience.md describes the defaults.
 */
package dev.agentforge.resilience;
