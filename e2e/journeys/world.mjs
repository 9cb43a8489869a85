// What the outside world does during a journey, through the simulator's /_sim/ endpoints:
// a customer writing in, someone issuing a new key in the 360dialog Hub. Never the user's actions.
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

async function post(url, body = {}) {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

/** A WhatsApp user writes to the number (the simulator delivers it to the number's webhook). */
export const customerWrites = (simUrl, phoneNumberId, { from, name = "Ana", text }) =>
  post(`${simUrl}/_sim/numbers/${phoneNumberId}/inbound`, { from, name, text });

/** Someone issues a new API key for the number in the 360dialog Hub; the old one stops working. */
export async function issueNewKeyInHub(simUrl, phoneNumberId) {
  const r = await post(`${simUrl}/_sim/numbers/${phoneNumberId}/keys`);
  return r.api_key;
}

/** The simulator's view of its numbers (webhook, templates, messages sent). */
export async function simState(simUrl) {
  const r = await fetch(`${simUrl}/_sim/state`);
  return r.json();
}

/** A WhatsApp user opens the chat with the number for the first time (with the welcome message
 * on, Meta sends `request_welcome`). */
export const customerOpensChat = (simUrl, phoneNumberId, { from, name = "Ben" }) =>
  post(`${simUrl}/_sim/numbers/${phoneNumberId}/opens_chat`, { from, name });
/**
 * The network between the app and 360dialog cuts the next upload transfer after `afterBytes`
 * bytes, and the answers after it are slow (`slowMs`) for `slowCount` requests: an unreliable line.
 */
export async function networkCutsUpload(simUrl, { afterBytes, slowMs = 1500, slowCount = 2 }) {
  await post(`${simUrl}/_sim/faults`, { kind: "cut_body", after_bytes: afterBytes, path: "/upload:" });
  await post(`${simUrl}/_sim/faults`, { kind: "latency", ms: slowMs, path: "/upload:", count: slowCount });
}

// The team relay's side of the world: the admin who runs `wabadesk-relay` against the team's
// PostgreSQL (DATABASE_URL), and 360dialog delivering webhooks to it.
const CLI_PATH = path.resolve(process.env.WABADESK_CLI ?? "target/debug/wabadesk");
const RELAY = path.resolve(process.env.WABADESK_RELAY ?? path.join(path.dirname(CLI_PATH), "wabadesk-relay"));

/** The admin runs a relay command (`migrate`, `token create --name …`); its printed output. */
export function relayAdmin(...args) {
  return execFileSync(RELAY, args, { env: { ...process.env, RUST_LOG: "warn" }, encoding: "utf8" }).trim();
}

/**
 * The admin starts a relay replica (`serve`) on `listen` (a free port unless given), against the
 * same database as every other replica. Resolves once it listens; `stop()` ends it (SIGTERM) and
 * resolves when it has exited.
 */
export function startRelay(listen = "127.0.0.1:0") {
  const child = spawn(RELAY, ["serve", "--listen", listen], { env: { ...process.env, RUST_LOG: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error("the relay did not start listening in 20 s")), 20000);
    child.once("exit", (code) => reject(new Error(`the relay exited (${code}) before listening`)));
    lines.on("line", (line) => {
      const m = /^listening on (http:\/\/\S+)/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        listen: m[1].replace(/^http:\/\//, ""),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

/** What 360dialog has as the number's webhook (its URL and the headers it sends with each event). */
export async function webhookAt360dialog(simUrl, phoneNumberId) {
  const n = (await simState(simUrl)).numbers.find((x) => String(x.phone_number_id) === String(phoneNumberId));
  if (!n?.webhook) throw new Error(`360dialog has no webhook for ${phoneNumberId}`);
  return { ...n.webhook, number: n };
}

/** 360dialog delivers one webhook body (an object, or the exact text of an earlier delivery when
 * it retries) to `url` with the webhook's headers; the receiver's HTTP status. */
export async function deliverWebhook(webhook, body, url = webhook.url) {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...webhook.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  await r.arrayBuffer();
  return r.status;
}

/** A Cloud-API webhook body for the webhook's number, around `value` (messages or statuses). */
function envelope(webhook, value) {
  const n = webhook.number;
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: n.waba_id,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: n.display_phone_number, phone_number_id: n.phone_number_id },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

const unixNow = () => String(Math.floor(Date.now() / 1000));

/** A customer's text message, as 360dialog delivers it. */
export const customerMessage = (webhook, { from, name = "Ana", wamid, text }) =>
  envelope(webhook, {
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id: wamid, timestamp: unixNow(), type: "text", text: { body: text } }],
  });

/** A status of a message the number sent (from any desktop of the team). */
export const messageStatus = (webhook, { wamid, status, recipient }) =>
  envelope(webhook, { statuses: [{ id: wamid, status, timestamp: unixNow(), recipient_id: recipient }] });
