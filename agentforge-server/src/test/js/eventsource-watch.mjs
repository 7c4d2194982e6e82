// Watches a run's event stream with the npm package eventsource (4.x), which reconnects on its own
// and sends Last-Event-ID. Usage: node eventsource-watch.mjs <events-url> <timeout-ms>
// Prints JSON lines: {"kind":"open"} per connection, {"kind":"event"} per event, {"kind":"error"}
// per error, and {"kind":"closed"} once the EventSource has stopped, as it does after a 204.
import { EventSource } from "eventsource";

const [url, timeoutText] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const types = ["run_started", "token", "thought", "action", "observation", "progress", "done", "cancelled",
  "waiting_input"];

const source = new EventSource(url);
const timer = setTimeout(() => {
  print({ kind: "timeout", readyState: source.readyState });
  source.close();
  process.exit(2);
}, Number(timeoutText));

source.addEventListener("open", () => print({ kind: "open" }));
for (const type of types) {
  source.addEventListener(type, (event) =>
    print({ kind: "event", type: event.type, lastEventId: event.lastEventId, data: JSON.parse(event.data) }));
}
// The run's "error" event and the EventSource's own error share a name; only the first has data.
source.addEventListener("error", (event) => {
  if (event.data !== undefined) {
    print({ kind: "event", type: "error", lastEventId: event.lastEventId, data: JSON.parse(event.data) });
    return;
  }
  print({ kind: "error", readyState: source.readyState, message: event.message ?? null, code: event.code ?? null });
  if (source.readyState === EventSource.CLOSED) {
    clearTimeout(timer);
    print({ kind: "closed" });
  }
});
