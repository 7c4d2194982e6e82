// Runs one AG-UI run against an AgentForge server with the official @ag-ui/client HttpAgent and
// validates every event with @ag-ui/core's own zod schema. Usage: node agui-run.mjs <url> <input>
// Prints JSON lines: {"kind":"raw"} for each event of a plain POST, read as the SSE the server sent,
// {"kind":"event"} for each event HttpAgent handed to its subscriber, then one {"kind":"result"}.
import { HttpAgent } from "@ag-ui/client";
import { EventSchema } from "@ag-ui/core/schemas";

const [url, input] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

// The client reports protocol problems it repairs, such as fields it strips, with console.warn.
const warnings = [];
console.warn = (...args) => warnings.push(args.map(String).join(" "));
console.error = (...args) => warnings.push("error: " + args.map(String).join(" "));

function validate(event) {
  const parsed = EventSchema.safeParse(event);
  return parsed.success ? null : parsed.error.issues;
}

// The raw stream, exactly as the server wrote it: blocks separated by a blank line, data lines joined.
async function rawEvents(body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const events = [];
  for (const block of text.split("\n\n")) {
    const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
    if (data.length > 0) events.push(JSON.parse(data.join("\n")));
  }
  return { status: response.status, contentType: response.headers.get("content-type"), events };
}

const raw = await rawEvents({
  threadId: "thread-raw",
  runId: "run-raw",
  messages: [{ id: "user-raw", role: "user", content: input }],
  tools: [],
  context: [],
  state: {},
  forwardedProps: {},
});
for (const event of raw.events) {
  print({ kind: "raw", status: raw.status, contentType: raw.contentType, event, issues: validate(event) });
}

const agent = new HttpAgent({ url, threadId: "thread-interop" });
agent.addMessage({ id: "user-1", role: "user", content: input });
const events = [];
try {
  const result = await agent.runAgent(
    { runId: "agui-run-1", tools: [], context: [] },
    {
      onEvent({ event }) {
        events.push(event);
        print({ kind: "event", event, issues: validate(event) });
      },
    },
  );
  print({
    kind: "result",
    ok: true,
    result: result.result,
    newMessages: result.newMessages,
    messages: agent.messages,
    eventCount: events.length,
    warnings,
  });
} catch (error) {
  print({ kind: "result", ok: false, error: String(error?.stack ?? error), eventCount: events.length, warnings });
  process.exitCode = 1;
}
