// Drives the /v1/ws protocol of an AgentForge server with the npm `ws` client. Usage:
//   node ws-ask-user.mjs <ws-url> <input>
// It starts a run whose model calls ask_user, replies to the waiting_input event with an `input`
// message, and reads until `done`; then it starts a second run and cancels it while it waits.
// Prints JSON lines: {"kind":"message"} for each server message, then one {"kind":"result"}.
import WebSocket from "ws";

const [url, input] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const TIMEOUT_MS = 30_000;

const socket = new WebSocket(url);
const waiters = [];
const received = [];

socket.on("message", (data, isBinary) => {
  const message = JSON.parse(isBinary ? data.toString("utf8") : data.toString());
  received.push(message);
  print({ kind: "message", message });
  for (const waiter of [...waiters]) {
    if (waiter.match(message)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  }
});

// Resolves with the first message, already received or still to come, that matches.
function next(description, match) {
  const earlier = received.find((message) => match(message) && !message.consumed);
  if (earlier) {
    earlier.consumed = true;
    return Promise.resolve(earlier);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${description} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    waiters.push({
      match,
      resolve: (message) => {
        clearTimeout(timer);
        message.consumed = true;
        resolve(message);
      },
    });
  });
}

const isEvent = (runId, type) => (m) => m.type === "event" && m.runId === runId && m.event.type === type;
const isReply = (id) => (m) => (m.type === "ack" || m.type === "error") && m.id === id;
const send = (message) => socket.send(JSON.stringify(message));

try {
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });

  send({ type: "start", id: "s1", input });
  const started = await next("ack of start", isReply("s1"));
  if (started.type !== "ack") throw new Error(`start failed: ${JSON.stringify(started)}`);
  const runId = started.runId;
  const waiting = await next("waiting_input event", isEvent(runId, "waiting_input"));
  send({ type: "input", id: "i1", runId, input: "Friday" });
  const inputAck = await next("ack of input", isReply("i1"));
  const done = await next("done event", isEvent(runId, "done"));

  send({ type: "start", id: "s2", input });
  const second = (await next("ack of the second start", isReply("s2"))).runId;
  await next("waiting_input of the second run", isEvent(second, "waiting_input"));
  send({ type: "cancel", id: "c1", runId: second, reason: "the user left" });
  const cancelAck = await next("ack of cancel", isReply("c1"));
  const cancelled = await next("cancelled event", isEvent(second, "cancelled"));

  print({
    kind: "result",
    ok: true,
    runId,
    question: waiting.event.question,
    inputAck,
    answer: done.event.answer,
    sequences: received.filter((m) => m.type === "event" && m.runId === runId).map((m) => m.sequence),
    cancelAck,
    cancelReason: cancelled.event.reason,
  });
  socket.close(1000, "done");
} catch (error) {
  print({ kind: "result", ok: false, error: String(error?.stack ?? error) });
  process.exitCode = 1;
  socket.terminate();
}
