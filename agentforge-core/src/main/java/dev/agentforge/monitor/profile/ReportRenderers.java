package dev.agentforge.monitor.profile;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Renders a {@link ProfileReport} as text, JSON and HTML. */
final class ReportRenderers {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** How many runs the text and HTML tables list, the longest first. */
    private static final int RUNS_LISTED = 10;

    private static final int CHART_WIDTH = 720;
    private static final int CHART_LABEL_WIDTH = 240;
    private static final int CHART_BAR_HEIGHT = 22;

    private ReportRenderers() {
    }

    static String text(ProfileReport report) {
        StringBuilder out = new StringBuilder();
        String nl = System.lineSeparator();
        out.append("AgentForge profile at ").append(report.generatedAt()).append(nl);
        StepStats wall = report.runWallTime();
        out.append(String.format(Locale.ROOT, "Runs: %d, wall time total %s, p50 %s, p90 %s, p99 %s, max %s",
                report.runCount(), Durations.format(wall.total()), Durations.format(wall.p50()),
                Durations.format(wall.p90()), Durations.format(wall.p99()), Durations.format(wall.max()))).append(nl);
        out.append(String.format(Locale.ROOT, "Retained memory per run: p50 %s, p99 %s, max %s",
                Durations.formatBytes(report.retainedBytesP50()), Durations.formatBytes(report.retainedBytesP99()),
                Durations.formatBytes(report.retainedBytesMax()))).append(nl).append(nl);

        String format = "%-36s %7s %10s %7s %10s %10s %10s %10s %10s";
        out.append(String.format(Locale.ROOT, format, "step", "count", "total", "share", "mean", "p50", "p90", "p99",
                "max")).append(nl);
        for (StepStats step : report.steps()) {
            out.append(String.format(Locale.ROOT, format, step.label(), step.count(), Durations.format(step.total()),
                    share(report, step), Durations.format(step.mean()), Durations.format(step.p50()),
                    Durations.format(step.p90()), Durations.format(step.p99()), Durations.format(step.max())))
                    .append(nl);
        }
        out.append(nl).append(report.bottleneck().describe()).append(nl);

        List<RunProfile> longest = longestRuns(report);
        if (!longest.isEmpty()) {
            out.append(nl).append("Longest runs:").append(nl);
            for (RunProfile run : longest) {
                out.append(String.format(Locale.ROOT,
                        "  %s %s wall %s, model %s in %d calls, tools %s in %d calls, queue %s, %d tokens, retained %s",
                        run.runId(), run.outcome(), Durations.format(run.wallTime()), Durations.format(run.modelTime()),
                        run.modelCalls(), Durations.format(run.toolTime()), run.toolCalls(),
                        Durations.format(run.queueWait()), run.totalTokens(), Durations.formatBytes(run.retainedBytes())))
                        .append(nl);
            }
        }
        return out.toString();
    }

    static String json(ProfileReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("generatedAt", report.generatedAt().toString());
        root.put("runCount", report.runCount());
        root.set("runWallTime", statsNode(report.runWallTime(), report));
        ObjectNode retained = root.putObject("retainedBytes");
        retained.put("p50", report.retainedBytesP50());
        retained.put("p99", report.retainedBytesP99());
        retained.put("max", report.retainedBytesMax());
        ArrayNode steps = root.putArray("steps");
        for (StepStats step : report.steps()) {
            steps.add(statsNode(step, report));
        }
        ObjectNode bottleneck = root.putObject("bottleneck");
        Bottleneck found = report.bottleneck();
        if (found.byTotal() != null) {
            bottleneck.set("byTotal", statsNode(found.byTotal(), report));
            bottleneck.put("shareOfWallTime", found.shareOfWallTime());
            bottleneck.set("byTail", statsNode(found.byTail(), report));
        }
        ArrayNode runs = root.putArray("runs");
        for (RunProfile run : report.runs()) {
            ObjectNode node = runs.addObject();
            node.put("runId", run.runId());
            node.put("model", run.model());
            node.put("outcome", run.outcome());
            node.put("startedAt", run.startedAt().toString());
            node.put("wallMillis", Durations.millis(run.wallTime()));
            node.put("modelMillis", Durations.millis(run.modelTime()));
            node.put("modelCalls", run.modelCalls());
            node.put("toolMillis", Durations.millis(run.toolTime()));
            node.put("queueWaitMillis", Durations.millis(run.queueWait()));
            node.put("toolCalls", run.toolCalls());
            node.put("totalTokens", run.totalTokens());
            node.put("retainedBytes", run.retainedBytes());
        }
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static ObjectNode statsNode(StepStats step, ProfileReport report) {
        ObjectNode node = MAPPER.createObjectNode();
        if (step.kind() != null) {
            node.put("kind", step.kind().label());
        }
        node.put("name", step.name());
        node.put("count", step.count());
        node.put("totalMillis", Durations.millis(step.total()));
        node.put("meanMillis", Durations.millis(step.mean()));
        node.put("p50Millis", Durations.millis(step.p50()));
        node.put("p90Millis", Durations.millis(step.p90()));
        node.put("p99Millis", Durations.millis(step.p99()));
        node.put("maxMillis", Durations.millis(step.max()));
        if (step.kind() != null && step.kind().onRunTimeline() && report.runWallTime().count() > 0) {
            node.put("shareOfWallTime", shareValue(report, step));
        }
        return node;
    }

    static String html(ProfileReport report) {
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>AgentForge profile</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\n")
                .append("table{border-collapse:collapse;margin:1rem 0}\n")
                .append("th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}\n")
                .append("th:first-child,td:first-child{text-align:left}\n")
                .append(".bottleneck{background:#fff4e5;border-left:4px solid #e67e22;padding:.5rem 1rem}\n")
                .append("</style>\n</head>\n<body>\n");
        page.append("<h1>AgentForge profile</h1>\n<p>Generated at ").append(escape(report.generatedAt().toString()))
                .append(". ").append(report.runCount()).append(" runs, wall time total ")
                .append(escape(Durations.format(report.totalWallTime()))).append(", retained memory per run p50 ")
                .append(escape(Durations.formatBytes(report.retainedBytesP50()))).append(", max ")
                .append(escape(Durations.formatBytes(report.retainedBytesMax()))).append(".</p>\n");
        page.append("<div class=\"bottleneck\"><p>")
                .append(escape(report.bottleneck().describe()).replace(System.lineSeparator(), "<br>"))
                .append("</p></div>\n");

        page.append("<h2>Total time per step</h2>\n");
        page.append(barChart(report.steps(), StepStats::total, "total"));
        page.append("<h2>p99 per step</h2>\n");
        page.append(barChart(report.steps(), StepStats::p99, "p99"));

        page.append("<h2>Steps</h2>\n<table>\n<tr><th>step</th><th>count</th><th>total</th><th>share</th>")
                .append("<th>mean</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>\n");
        for (StepStats step : report.steps()) {
            page.append("<tr><td>").append(escape(step.label())).append("</td><td>").append(step.count())
                    .append("</td><td>").append(escape(Durations.format(step.total())))
                    .append("</td><td>").append(escape(share(report, step)))
                    .append("</td><td>").append(escape(Durations.format(step.mean())))
                    .append("</td><td>").append(escape(Durations.format(step.p50())))
                    .append("</td><td>").append(escape(Durations.format(step.p90())))
                    .append("</td><td>").append(escape(Durations.format(step.p99())))
                    .append("</td><td>").append(escape(Durations.format(step.max()))).append("</td></tr>\n");
        }
        page.append("</table>\n");

        List<RunProfile> longest = longestRuns(report);
        if (!longest.isEmpty()) {
            page.append("<h2>Longest runs</h2>\n<table>\n<tr><th>run</th><th>outcome</th><th>wall</th><th>model</th>")
                    .append("<th>tools</th><th>queue</th><th>tokens</th><th>retained</th></tr>\n");
            for (RunProfile run : longest) {
                page.append("<tr><td>").append(escape(run.runId())).append("</td><td>").append(escape(run.outcome()))
                        .append("</td><td>").append(escape(Durations.format(run.wallTime())))
                        .append("</td><td>").append(escape(Durations.format(run.modelTime())))
                        .append("</td><td>").append(escape(Durations.format(run.toolTime())))
                        .append("</td><td>").append(escape(Durations.format(run.queueWait())))
                        .append("</td><td>").append(run.totalTokens())
                        .append("</td><td>").append(escape(Durations.formatBytes(run.retainedBytes())))
                        .append("</td></tr>\n");
            }
            page.append("</table>\n");
        }
        page.append("</body>\n</html>\n");
        return page.toString();
    }

    private static String barChart(List<StepStats> steps, Function<StepStats, Duration> value, String what) {
        long largest = steps.stream().mapToLong(step -> value.apply(step).toNanos()).max().orElse(0);
        int height = Math.max(1, steps.size()) * CHART_BAR_HEIGHT + 10;
        int barSpace = CHART_WIDTH - CHART_LABEL_WIDTH - 90;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(CHART_WIDTH)
                .append("\" height=\"").append(height).append("\" aria-label=\"").append(escape(what))
                .append(" per step\">\n");
        int y = 5;
        for (StepStats step : steps) {
            long nanos = value.apply(step).toNanos();
            int width = largest == 0 ? 0 : (int) Math.max(1, Math.round((double) nanos / largest * barSpace));
            String color = step.kind().onRunTimeline() ? "#3b7dd8" : "#999999";
            svg.append("<text x=\"").append(CHART_LABEL_WIDTH - 6).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"12\" text-anchor=\"end\">").append(escape(step.label())).append("</text>")
                    .append("<rect x=\"").append(CHART_LABEL_WIDTH).append("\" y=\"").append(y + 3)
                    .append("\" width=\"").append(width).append("\" height=\"").append(CHART_BAR_HEIGHT - 6)
                    .append("\" fill=\"").append(color).append("\"><title>").append(escape(step.label())).append(": ")
                    .append(escape(Durations.format(value.apply(step)))).append("</title></rect>")
                    .append("<text x=\"").append(CHART_LABEL_WIDTH + width + 6).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"12\">").append(escape(Durations.format(value.apply(step))))
                    .append("</text>\n");
            y += CHART_BAR_HEIGHT;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static List<RunProfile> longestRuns(ProfileReport report) {
        return report.runs().stream()
                .sorted((a, b) -> b.wallTime().compareTo(a.wallTime()))
                .limit(RUNS_LISTED)
                .toList();
    }

    private static String share(ProfileReport report, StepStats step) {
        if (!step.kind().onRunTimeline() || report.runWallTime().count() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f%%", shareValue(report, step) * 100);
    }

    private static double shareValue(ProfileReport report, StepStats step) {
        long wall = report.totalWallTime().toNanos();
        return wall == 0 ? 0 : (double) step.total().toNanos() / wall;
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
