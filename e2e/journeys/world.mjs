// What the outside world does during a journey, through the simulator's /_sim/ endpoints:
// a customer writing in, someone issuing a new key in the 360dialog Hub. Never the user's actions.

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
