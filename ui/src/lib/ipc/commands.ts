// The one typed entry point to the Rust side. Pages import from here, never from
// @tauri-apps/api directly. Types come from ./bindings, generated from the Rust types.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { RelayPointed } from "./bindings/RelayPointed";
import type { RelayStatus } from "./bindings/RelayStatus";
import type { RelaySync } from "./bindings/RelaySync";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditFilter } from "./bindings/AuditFilter";
import type { NumberInput } from "./bindings/NumberInput";
import type { KeySaved } from "./bindings/KeySaved";
import type { NumberView } from "./bindings/NumberView";
import type { Preferences } from "./bindings/Preferences";
import type { VerifyOutcome } from "./bindings/VerifyOutcome";
import type { VerifyProgress } from "./bindings/VerifyProgress";
import type { Contact } from "./bindings/Contact";
import type { CurlImport } from "./bindings/CurlImport";
import type { PostmanSaved } from "./bindings/PostmanSaved";
import type { Conversation } from "./bindings/Conversation";
import type { Destination } from "./bindings/Destination";
import type { DraftSave } from "./bindings/DraftSave";
import type { SavedDraft } from "./bindings/SavedDraft";
import type { EndpointTest } from "./bindings/EndpointTest";
import type { HeaderCheck } from "./bindings/HeaderCheck";
import type { HeaderRow } from "./bindings/HeaderRow";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { HistoryFilter } from "./bindings/HistoryFilter";
import type { ImportReport } from "./bindings/ImportReport";
import type { InboxEventView } from "./bindings/InboxEventView";
import type { InboxFilter } from "./bindings/InboxFilter";
import type { InboxStatus } from "./bindings/InboxStatus";
import type { Insights } from "./bindings/Insights";
import type { InsightsChart } from "./bindings/InsightsChart";
import type { InsightsFilter } from "./bindings/InsightsFilter";
import type { MessageDetail } from "./bindings/MessageDetail";
import type { MessageView } from "./bindings/MessageView";
import type { MultiWebhook } from "./bindings/MultiWebhook";
import type { Rejection } from "./bindings/Rejection";
import type { Retrying } from "./bindings/Retrying";
import type { SendResponse } from "./bindings/SendResponse";
import type { TestEventKind } from "./bindings/TestEventKind";
import type { WebhookInput } from "./bindings/WebhookInput";
import type { WebhookView } from "./bindings/WebhookView";
import type { DraftCheck } from "./bindings/DraftCheck";
import type { QaRun } from "./bindings/QaRun";
import type { ReportFormat } from "./bindings/ReportFormat";
import type { SendFormView } from "./bindings/SendFormView";
import type { SyncReport } from "./bindings/SyncReport";
import type { TemplateDraft } from "./bindings/TemplateDraft";
import type { TemplateFilter } from "./bindings/TemplateFilter";
import type { TemplateLibrary } from "./bindings/TemplateLibrary";
import type { TemplateRow } from "./bindings/TemplateRow";
import type { TestSend } from "./bindings/TestSend";
import type { TestSendResult } from "./bindings/TestSendResult";
import type { Verdict } from "./bindings/Verdict";
import type { BlockChange } from "./bindings/BlockChange";
import type { BlockedUser } from "./bindings/BlockedUser";
import type { BlockOutcome } from "./bindings/BlockOutcome";
import type { BusinessProfileFields } from "./bindings/BusinessProfileFields";
import type { BusinessProfileInput } from "./bindings/BusinessProfileInput";
import type { BusinessProfileView } from "./bindings/BusinessProfileView";
import type { Checklist } from "./bindings/Checklist";
import type { ComponentsCheck } from "./bindings/ComponentsCheck";
import type { ComponentsView } from "./bindings/ComponentsView";
import type { ConversationalAutomation } from "./bindings/ConversationalAutomation";
import type { NumberHealth } from "./bindings/NumberHealth";
import type { NumberProgress } from "./bindings/NumberProgress";
import type { ProfileCheck } from "./bindings/ProfileCheck";
import type { ChannelList } from "./bindings/ChannelList";
import type { ChannelQuery } from "./bindings/ChannelQuery";
import type { ImportOutcome } from "./bindings/ImportOutcome";
import type { KeyGenerated } from "./bindings/KeyGenerated";
import type { NumberChannel } from "./bindings/NumberChannel";
import type { PartnerAccountView } from "./bindings/PartnerAccountView";
import type { PartnerEventView } from "./bindings/PartnerEventView";
import type { PartnerInput } from "./bindings/PartnerInput";
import type { MediaFile } from "./bindings/MediaFile";
import type { MediaType } from "./bindings/MediaType";
import type { SampleUpload } from "./bindings/SampleUpload";
import type { UploadProgress } from "./bindings/UploadProgress";
import { toIpcError } from "./errors";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const appInfo = () => call<AppInfo>("app_info");
/** Tells the shell the first complete frame is painted (logged; the start-up benchmark waits for it). */
export const uiReady = (pageMs: number) => call<void>("ui_ready", { pageMs });
/** The route of the `wabadesk://` link the app was started with (once), or null. */
export const openingLink = () => call<string | null>("opening_link");
/** A phone number as every send and lookup reads it (the wa_id and E.164), or a validation error. */
export const parseContact = (input: string) => call<Contact>("parse_contact", { input });
export const getPreferences = () => call<Preferences>("get_preferences");
export const setPreferences = (preferences: Preferences) =>
  call<Preferences>("set_preferences", { preferences });

/** A demo number as the demo set it up. */
export interface DemoNumber {
  id: number;
  label: string;
  phone: string;
  phone_number_id: string;
}
/** The running demo (wabadesk-demo's `DemoInfo`). */
export interface DemoInfo {
  data_dir: string;
  sim_url: string;
  inbox_url: string;
  numbers: DemoNumber[];
}
/** Which profile the app has open (the shell's `ProfileStatus`). */
export interface ProfileStatus {
  demo: boolean;
  /** The app was started with `--demo`. */
  demoRequested: boolean;
  dataDir: string;
  demoInfo: DemoInfo | null;
}
export const profileStatus = () => call<ProfileStatus>("profile_status");
/** Switches to the demo profile and sets the demo up; each step arrives in plain words. */
export function startDemo(onStep: (step: string) => void) {
  const channel = new Channel<string>();
  channel.onmessage = onStep;
  return call<ProfileStatus>("start_demo", { onProgress: channel });
}
/** Stops the demo and opens the user's own profile again. */
export const leaveDemo = () => call<ProfileStatus>("leave_demo");

export const listNumbers = () => call<NumberView[]>("list_numbers");
export const addNumber = (input: NumberInput) => call<NumberView>("add_number", { input });
export const updateNumber = (id: number, input: NumberInput) =>
  call<NumberView>("update_number", { id, input });
export const removeNumber = (id: number) => call<void>("remove_number", { id });
/** The key goes in once and never comes back: the answer carries only its mask, and what
 * became of the number's webhook (read back with the new key). */
export const setKey = (id: number, key: string, verify: boolean) =>
  call<KeySaved>("set_key", { id, key, verify });
export const verifyKey = (id: number) => call<NumberView>("verify_key", { id });
export const removeKey = (id: number) => call<NumberView>("remove_key", { id });
export function verifyAll(onProgress: (p: VerifyProgress) => void) {
  const channel = new Channel<VerifyProgress>();
  channel.onmessage = onProgress;
  return call<VerifyOutcome[]>("verify_all", { onProgress: channel });
}
export const keyHistory = (id: number) => call<AuditEntry[]>("key_history", { id });

// Partner mode. The partner API key and the platform secret go in, never come back.
export const partnerAccount = () => call<PartnerAccountView | null>("partner_account");
export const setPartnerAccount = (input: PartnerInput, key: string) =>
  call<PartnerAccountView>("set_partner_account", { input, key });
export const partnerChannels = (query: ChannelQuery) => call<ChannelList>("partner_channels", { query });
export const importChannels = (channelIds: string[]) => call<ImportOutcome[]>("import_channels", { channelIds });
export const setPartnerWebhook = (url: string, secret: string | null) =>
  call<PartnerAccountView>("set_partner_webhook", { url, secret });
export const partnerEventsUrl = () => call<string | null>("partner_events_url");
export const numberChannel = (id: number) => call<NumberChannel | null>("number_channel", { id });
export const partnerEvents = (id: number | null) => call<PartnerEventView[]>("partner_events", { id });
export const generateKey = (id: number) => call<KeyGenerated>("generate_key", { id });
export const listAudit = (filter: AuditFilter) => call<AuditEntry[]>("list_audit", { filter });
export const exportAuditCsv = (filter: AuditFilter) =>
  call<string>("export_audit_csv", { filter });

// Setting a number up (Setup page, Numbers page progress).
export const getBusinessProfile = (id: number) =>
  call<BusinessProfileView>("get_business_profile", { id });
/** The limits at their fields and the diff against `current`, as the user types (no call to 360dialog). */
export const checkBusinessProfile = (current: BusinessProfileFields, input: BusinessProfileInput) =>
  call<ProfileCheck>("check_business_profile", { current, input });
export const setBusinessProfile = (id: number, input: BusinessProfileInput) =>
  call<BusinessProfileView>("set_business_profile", { id, input });
export const getComponents = (id: number) => call<ComponentsView>("get_components", { id });
export const checkComponents = (components: ConversationalAutomation) =>
  call<ComponentsCheck>("check_components", { components });
export const setComponents = (id: number, components: ConversationalAutomation) =>
  call<ComponentsView>("set_components", { id, components });
export const listBlocked = (id: number) => call<BlockedUser[]>("list_blocked", { id });
/** Blocks or unblocks users (phone numbers or wa_ids); audited. */
export const changeBlocked = (id: number, change: BlockChange, users: string[]) =>
  call<BlockOutcome>("change_blocked", { id, change, users });
export const numberHealth = (id: number) => call<NumberHealth>("number_health", { id });
export const getChecklist = (id: number) => call<Checklist>("get_checklist", { id });
export const onboardingProgress = () => call<NumberProgress[]>("onboarding_progress");

export const getWebhook = (id: number) => call<WebhookView>("get_webhook", { id });
export const setWebhook = (id: number, input: WebhookInput) =>
  call<WebhookView>("set_webhook", { id, input });
/** Sets the webhook WABA Desk last set or accepted again, with its headers (audited). */
export const reapplyWebhook = (id: number) => call<WebhookView>("reapply_webhook", { id });
export const acceptWebhook = (id: number) => call<WebhookView>("accept_webhook", { id });
/**
 * The webhook URL rules for number `id` (a simulator number may point at this computer;
 * without a number, 360dialog's rules), from the core; rejects with the reason.
 */
export const checkWebhookUrl = (url: string, id: number | null = null) =>
  call<string>("check_webhook_url", { url, id });
/** 360dialog's custom-header rules on rows as typed, from the core: one answer per row. */
export const checkWebhookHeaders = (rows: HeaderRow[]) => call<HeaderCheck>("check_webhook_headers", { rows });
/** Starts the receiver on `listen` if needed and points the number's webhook at it. */
export const pointWebhookAtInbox = (id: number, listen: string) =>
  call<WebhookView>("point_webhook_at_inbox", { id, listen });
export const testWebhookEndpoint = (id: number, url: string, kind: TestEventKind) =>
  call<EndpointTest>("test_webhook_endpoint", { id, url, kind });

export const inboxStatus = () => call<InboxStatus>("inbox_status");
export const inboxStart = (listen: string) => call<InboxStatus>("inbox_start", { listen });
export const inboxStop = () => call<InboxStatus>("inbox_stop");
export const listInbox = (filter: InboxFilter) => call<InboxEventView[]>("list_inbox", { filter });
export const inboxEvent = (id: number) => call<InboxEventView>("inbox_event", { id });
export const replayInboxEvent = (id: number) => call<InboxEventView>("replay_inbox_event", { id });
export const importInbox = (content: string) => call<ImportReport>("import_inbox", { content });

// Team relay (Settings): history filled from an always-on relay.
export const relayStatus = () => call<RelayStatus>("relay_status");
export const relayConnect = (url: string, token: string) => call<RelayStatus>("relay_connect", { url, token });
export const relaySync = () => call<RelaySync>("relay_sync");
export const relayDisconnect = () => call<RelayStatus>("relay_disconnect");
export const relayPointWebhook = (numberId: number) => call<RelayPointed>("relay_point_webhook", { numberId });
export const getDestinations = (id: number) => call<MultiWebhook>("get_destinations", { id });
export const saveDestination = (id: number, destination: Destination) =>
  call<MultiWebhook>("save_destination", { id, destination });
/**
 * Removes one extra destination by name (the core sends `POST /multi_webhook` with the
 * remaining destinations); answered with the new list.
 */
export const removeDestination = (id: number, name: string) =>
  call<MultiWebhook>("remove_destination", { id, name });
export const setDestinationsEnabled = (id: number, enabled: boolean) =>
  call<MultiWebhook>("set_destinations_enabled", { id, enabled });
export const listMessages = (filter: HistoryFilter) => call<MessageView[]>("list_messages", { filter });
export const messageDetail = (wamid: string) => call<MessageDetail>("message_detail", { wamid });
export const historyCounts = (filter: HistoryFilter) =>
  call<[string, number][]>("history_counts", { filter });
export function exportHistory(filter: HistoryFilter, format: ExportFormat, onProgress: (rows: number) => void) {
  const channel = new Channel<number>();
  channel.onmessage = onProgress;
  return call<string>("export_history", { filter, format, onProgress: channel });
}
export const conversation = (numberId: number | null, contact: string) =>
  call<Conversation>("conversation", { numberId, contact });
/** "Resend as test"; `key` is the message's wamid, or the reference of an attempt without one. */
export function resendMessage(key: string, onRetry: (r: Retrying) => void = () => {}) {
  const channel = new Channel<Retrying>();
  channel.onmessage = onRetry;
  return call<SendResponse>("resend_message", { wamid: key, onProgress: channel });
}
export const inboxRejections = () => call<Rejection[]>("inbox_rejections");
export const pruneHistory = (days: number, dryRun: boolean) =>
  call<number>("prune_history", { days, dryRun });

// Insights

export const insights = (filter: InsightsFilter) => call<Insights>("insights", { filter });
/** Writes one chart's data as CSV to the Downloads folder; returns the file's path. */
export const exportInsightsCsv = (filter: InsightsFilter, chart: InsightsChart) =>
  call<string>("export_insights_csv", { filter, chart });
/** Saves a chart's picture (PNG bytes) to the Downloads folder; returns the file's path. */
export const saveInsightsPng = (chart: InsightsChart, png: Uint8Array) =>
  call<string>("save_insights_png", { chart, png: Array.from(png) });

// Templates

/**
 * Meta's rules on a draft, run by the core; problems come back at the draft's fields. With a
 * number, a name + language already in its local library is reported too.
 */
export const checkTemplate = (draft: TemplateDraft, numberId: number | null = null) =>
  call<DraftCheck>("check_template", { draft, numberId });
/** Saves the builder's draft of a number (autosave); answered with it and its id. */
export const saveTemplateDraft = (numberId: number, save: DraftSave) =>
  call<SavedDraft>("save_template_draft", { numberId, save });
export const templateDrafts = (numberId: number) => call<SavedDraft[]>("template_drafts", { numberId });
export const discardTemplateDraft = (numberId: number, id: number) =>
  call<null>("discard_template_draft", { numberId, id });
export const importTemplate = (json: string) => call<TemplateDraft>("import_template", { json });
export const templateLibrary = (numberId: number, filter: TemplateFilter) =>
  call<TemplateLibrary>("template_library", { numberId, filter });
export const syncTemplates = (numberId: number) => call<SyncReport>("sync_templates", { numberId });
export const createTemplate = (numberId: number, draft: TemplateDraft) =>
  call<TemplateRow>("create_template", { numberId, draft });
export const deleteTemplate = (numberId: number, name: string) =>
  call<number>("delete_template", { numberId, name });
export const exportTemplate = (numberId: number, name: string, language: string) =>
  call<string>("export_template", { numberId, name, language });
export const templateDraft = (numberId: number, name: string, language: string) =>
  call<TemplateDraft>("template_draft", { numberId, name, language });
export const templateSendForm = (numberId: number, name: string, language: string) =>
  call<SendFormView>("template_send_form", { numberId, name, language });
export function sendTestTemplate(numberId: number, send: TestSend, onRetry: (r: Retrying) => void = () => {}) {
  const channel = new Channel<Retrying>();
  channel.onmessage = onRetry;
  return call<TestSendResult>("send_test_template", { numberId, send, onProgress: channel });
}
/** "Paste curl": a curl command for `POST /messages` read into a test-send of the number. */
export const importCurl = (numberId: number, command: string) => call<CurlImport>("import_curl", { numberId, command });
/** The number's Postman collection and environment, saved to the downloads folder; the key only with `includeKey`. */
export const exportPostman = (numberId: number, includeKey: boolean) =>
  call<PostmanSaved>("export_postman", { numberId, includeKey });
export function sendText(numberId: number, to: string, body: string, onRetry: (r: Retrying) => void = () => {}) {
  const channel = new Channel<Retrying>();
  channel.onmessage = onRetry;
  return call<SendResponse>("send_text", { numberId, to, body, onProgress: channel });
}
/** A media message: `source` is a media id from the library or an https link. */
export function sendMedia(
  numberId: number,
  message: { to: string; kind: string; source: string; caption: string | null; filename: string | null },
  onRetry: (r: Retrying) => void = () => {},
) {
  const channel = new Channel<Retrying>();
  channel.onmessage = onRetry;
  return call<SendResponse>("send_media", { numberId, ...message, onProgress: channel });
}
export function runQa(numberId: number, name: string, recipient: string, onProgress: (done: number, total: number) => void) {
  const channel = new Channel<[number, number]>();
  channel.onmessage = ([done, total]) => onProgress(done, total);
  return call<QaRun>("run_qa", { numberId, name, recipient, onProgress: channel });
}
export const qaRuns = (numberId: number, name: string) => call<QaRun[]>("qa_runs", { numberId, name });
export const qaRecentRecipients = (numberId: number) => call<string[]>("qa_recent_recipients", { numberId });
export const signOff = (runId: number, language: string, verdict: Verdict, note: string) =>
  call<QaRun>("sign_off", { runId, language, verdict, note });
/** A signed verdict is locked: changing it is a new sign-off (audited; the earlier one is kept). */
export const changeSignOff = (runId: number, language: string, verdict: Verdict, note: string) =>
  call<QaRun>("change_sign_off", { runId, language, verdict, note });
/** Shows an export the app wrote in the file manager. */
export const revealExport = (path: string) => call<void>("reveal_export", { path });
export const exportQaReport = (runId: number, format: ReportFormat) =>
  call<string>("export_qa_report", { runId, format });

// Media

/** Meta's media types and size limits (the file picker filters and checks with them first). */
export const mediaTypes = () => call<MediaType[]>("media_types");
/**
 * Uploads a template header sample (or a profile photo, format IMAGE) with the resumable upload;
 * answered with the handle. `data` is the file's bytes as base64.
 */
export function uploadSample(
  numberId: number,
  fileName: string,
  data: string,
  headerFormat: string | null,
  onProgress: (p: UploadProgress) => void = () => {},
) {
  const channel = new Channel<UploadProgress>();
  channel.onmessage = onProgress;
  return call<SampleUpload>("upload_sample", { numberId, fileName, data, headerFormat, onProgress: channel });
}
/** Uploads media for messages into the number's library; answered with its entry (media id, expiry). */
export const uploadMedia = (numberId: number, fileName: string, data: string) =>
  call<MediaFile>("upload_media", { numberId, fileName, data });
export const mediaLibrary = (numberId: number) => call<MediaFile[]>("media_library", { numberId });
export const forgetMedia = (numberId: number, id: number) => call<null>("forget_media", { numberId, id });
