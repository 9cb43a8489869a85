// Every element a journey touches, by id or label, in one place, and the user's actions built
// from them. When the UI renames something, this is the one file to change.
import { By, Key, until } from "selenium-webdriver";
import { clearInput } from "../harness.mjs";

export const SEL = {
  nav: (section) => By.css(`a[data-section='${section}']`),

  // Numbers
  addNumber: By.id("add-number"),
  numberPhone: By.id("number-phone"),
  numberLabel: By.id("number-label"),
  numberEnv: By.id("number-env"),
  numberEnvOption: (env) => By.css(`#number-env option[value='${env}']`),
  numberBaseUrl: By.id("number-base-url"),
  numberSubmit: By.id("number-submit"),
  numbersTable: By.id("numbers-table"),
  numberRow: (phone) => By.css(`#numbers-table tr[data-phone='${phone}']`),
  numberRowOpen: (phone) => By.css(`#numbers-table tr[data-phone='${phone}'] button.link`),
  numberRowKeyState: (phone) => By.css(`#numbers-table tr[data-phone='${phone}'] [data-key-state]`),
  numberDrawer: By.id("number-drawer"),
  drawerKeyState: (state) => By.css(`#drawer-key-state [data-key-state='${state}']`),
  drawerAlert: By.css("#number-drawer [role='alert']"),
  keyInput: By.id("key-input"),
  keySave: By.id("key-save"),
  keyCheck: By.id("key-check"),
  keyHistory: By.css("#key-history li"),
  keyHistoryAction: (action) => By.css(`#key-history li[data-action='${action}']`),
  numbersBadge: By.id("numbers-badge"),
  numberRows: By.css("#numbers-table tbody tr"),
  numberRowsOpen: By.css("#numbers-table tbody tr button.link"),
  verifyAll: By.id("verify-all"),
  healthOf: (health) => By.css(`#numbers-table tbody tr [data-health='${health}']`),
  keyStateOf: (state) => By.css(`#numbers-table tbody tr [data-key-state='${state}']`),
  /** A fact in the open number drawer's Details, by its caption ("API base URL", "Phone number id"). */
  drawerFact: (caption) =>
    By.xpath(`//aside[@id='number-drawer']//section[@aria-labelledby='details-title']//dt[normalize-space()='${caption}']/following-sibling::dd[1]`),

  // Profiles: the demo (app-demo)
  tryDemo: By.id("try-demo"),
  demoSteps: By.css("ol.demo-steps"),
  demoBanner: By.css("[role='region'][aria-label='Demo profile']"),
  leaveDemo: By.id("leave-demo"),

  // Webhook (app-demo: one click to the inbox)
  webhookNumberOption: (id) => By.css(`#webhook-number option[value='${id}']`),
  webhookPointInbox: By.id("webhook-point-inbox"),
  webhookSaved: By.id("webhook-saved"),
  webhookCurrentUrl: By.id("webhook-current-url"),
  webhookUrl: By.id("webhook-url"),
  webhookTestKind: (kind) => By.css(`#test-kind option[value='${kind}']`),
  webhookTest: By.id("webhook-test"),
  webhookTestResult: By.id("webhook-test-result"),

  // Inbox
  inboxState: By.id("inbox-state"),
  inboxUrl: By.id("inbox-url"),
  inboxCopyUrl: By.id("inbox-copy-url"),
  inboxRows: By.css("#inbox-table tbody tr"),
  inboxRowIn: (state) => By.css(`#inbox-table tr[data-state='${state}']`),
  /** A "Send test event" event: marked with the test badge instead of its state. */
  inboxTestRows: By.xpath("//table[@id='inbox-table']/tbody/tr[.//span[contains(concat(' ', @class, ' '), ' badge--test ')]]"),
  inboxKindOption: (kind) => By.css(`#inbox-kind option[value='${kind}']`),

  // Settings (app-demo: working preferences)
  settingsName: By.id("settings-name"),
  settingsSave: By.id("settings-save"),
  settingsSaved: By.xpath("//form[@aria-label='Working preferences']//*[@role='status'][normalize-space()='Saved.']"),

  // Settings → Team relay (relay-e2e)
  relayUrlInput: By.id("relay-url-input"),
  relayTokenInput: By.id("relay-token-input"),
  relayConnect: By.id("relay-connect"),
  relayUrl: By.id("relay-url"),
  relayState: (state) => By.css(`#relay-state[data-state='${state}']`),
  relayRetryAt: By.css("#relay-state #relay-retry-at"),
  relayDetails: By.css("#relay-state details"),
  relaySync: By.id("relay-sync"),
  relayNewTokenInput: By.id("relay-new-token-input"),
  relayUseToken: By.id("relay-use-token"),
  settingsAlerts: By.css("#page-settings [role='alert']"),
  webhookPointRelay: By.id("webhook-point-relay"),
  webhookRelayPointed: By.css("#webhook-relay p.notice[role='status']"),

  // Inbox: an event's drawer, whose first line names where the event came from
  inboxRowOpen: By.css("#inbox-table tbody tr button.link"),
  eventDrawer: By.id("event-drawer"),
  eventOrigin: By.css("#event-drawer p.hint"),

  // Audit
  auditRow: (action) => By.css(`#audit-table tr[data-action='${action}']`),
  auditRows: By.css("#audit-table tbody tr"),

  // Templates: library
  templatesNew: By.id("templates-new"),
  templatesSync: By.id("templates-sync"),
  templatesNotice: By.id("templates-notice"),
  templatesDetail: By.id("templates-detail"),
  variant: (name, language) => By.css(`[data-template='${name}'] button[data-language='${language}']`),
  variantStatus: (name, language, status) =>
    By.css(`[data-template='${name}'] button[data-language='${language}'] [data-status='${status}']`),
  addLanguage: By.xpath("//section[@id='templates-detail']//button[normalize-space()='Add a language']"),
  qaOpen: By.id("templates-qa"),

  // Templates: builder
  tplBuilder: By.id("tpl-builder"),
  tplName: By.id("tpl-name"),
  tplLanguage: By.id("tpl-language"),
  tplLanguageOption: (lang) => By.css(`#tpl-language option[value='${lang}']`),
  tplBody: By.id("tpl-body"),
  tplHeaderFormatOption: (format) => By.css(`#tpl-header-format option[value='${format}']`),
  tplHeaderText: By.id("tpl-header-text"),
  tplHeaderSample: By.id("tpl-header-sample"),
  tplSample: (n) => By.id(`tpl-sample-${n}`),
  tplAddKind: (kind) => By.css(`#tpl-add-kind option[value='${kind}']`),
  tplAddButton: By.id("tpl-add-button"),
  tplButtonText: (i) => By.id(`tpl-button-${i}-text`),
  tplButtonUrl: (i) => By.id(`tpl-button-${i}-url`),
  tplButtonSample: (i) => By.id(`tpl-button-${i}-sample`),
  tplSubmit: By.id("tpl-submit"),
  tplHeaderFormatOption: (format) => By.css(`#tpl-header-format option[value='${format}']`),
  tplHeaderFile: By.id("tpl-header-file"),
  tplHeaderProgress: By.id("tpl-header-progress"),
  tplHeaderUploaded: By.id("tpl-header-uploaded"),
  tplHeaderHandle: By.id("tpl-header-handle"),
  tplPreview: By.id("tpl-preview"),

  // Templates: QA
  qaPanel: By.id("tpl-qa"),
  qaRecipient: By.id("qa-recipient"),
  qaStart: By.id("qa-start"),
  qaRow: (lang) => By.css(`#qa-results tr[data-language='${lang}']`),
  qaRows: By.css("#qa-results tbody tr"),
  qaNote: (lang) => By.css(`#qa-results input[aria-label='Note for ${lang}']`),
  qaPass: (lang) => By.css(`#qa-results button[aria-label='Pass ${lang}']`),
  qaVerdict: (lang, verdict) => By.css(`#qa-results tr[data-language='${lang}'] [data-verdict='${verdict}']`),
  qaExport: (format) =>
    By.xpath(
      `//section[@id='tpl-qa']//button[normalize-space()='Export report (${{ csv: "CSV", html: "printable page" }[format] ?? "Markdown"})']`,
    ),
  /** The message as sent in one language (the bubble with the values), and its parameters. */
  qaSent: (lang) => By.css(`#qa-results tr[data-language='${lang}'] [role='group']`),
  qaParams: (lang) => By.css(`#qa-results tr[data-language='${lang}'] dl.qa-values`),
  qaFrom: By.id("qa-from"),
  qaTo: By.id("qa-to"),
  qaLocked: (lang) => By.css(`#qa-results tr[data-language='${lang}'][data-locked='true']`),
  qaSigner: (lang) => By.css(`#qa-results tr[data-language='${lang}'] [data-signer]`),
  qaChange: (lang) => By.css(`#qa-results button[aria-label='Change verdict of ${lang}']`),
  qaReason: (lang) => By.css(`#qa-results input[aria-label='Reason for changing ${lang}']`),
  qaFail: (lang) => By.css(`#qa-results button[aria-label='Fail ${lang}']`),
  qaEarlier: (lang) => By.css(`#qa-results ul[aria-label='Earlier sign-offs of ${lang}']`),
  qaOpenFolder: By.id("qa-open-folder"),
  qaSaved: By.xpath("//section[@id='tpl-qa']//p[@role='status'][starts-with(normalize-space(), 'Saved to')]/span"),

  // Templates: test-send
  testSend: By.id("templates-test-send"),
  sendTo: By.id("send-to"),
  sendSubmit: By.id("send-submit"),
  sendWamid: By.id("send-wamid"),
  sendStatus: By.id("send-status"),
  sendMediaId: By.id("send-field-header-image-id"),
  sendMediaFile: By.id("send-field-header-image-id-file"),
  sendBack: By.xpath("//button[normalize-space()='Back to the library']"),

  // Send (free text)
  textTo: By.id("text-to"),
  textBody: By.id("text-body"),
  textSend: By.id("text-send"),
  textAccepted: By.css("#page-send p.notice[role='status'] .mono"),

  // Setup (onboarding)
  setupChecklistCount: By.id("setup-checklist-count"),
  setupStep: (step, done) => By.css(`#setup-checklist li[data-step='${step}'][data-done='${done}']`),
  setupStepLink: (step) => By.css(`#setup-checklist li[data-step='${step}'] a`),
  profileField: (name) => By.id(`profile-${name}`),
  profileVerticalOption: (value) => By.css(`#profile-vertical option[value='${value}']`),
  profileProblem: (name) => By.id(`profile-${name}-problem`),
  profileDiffRow: (field) => By.css(`#profile-diff tr[data-field='${field}']`),
  profileSave: By.id("profile-save"),
  profileSaved: By.id("profile-saved"),
  profileComplete: By.id("profile-complete"),
  profilePhotoFile: By.id("profile-photo-file"),
  profilePhotoUploaded: By.id("profile-photo-uploaded"),
  profilePhotoPreview: By.id("profile-photo-preview"),
  profilePhotoUrl: By.id("profile-photo-url"),
  componentsWelcome: By.id("components-welcome"),
  componentsAddBreaker: By.id("components-add-breaker"),
  componentsBreaker: (i) => By.id(`components-breaker-${i}`),
  componentsAddCommand: By.id("components-add-command"),
  componentsCommandName: (i) => By.id(`components-command-name-${i}`),
  componentsCommandDescription: (i) => By.id(`components-command-description-${i}`),
  componentsSave: By.id("components-save"),
  componentsSaved: By.id("components-saved"),
  componentsPreviewBreaker: (text) =>
    By.xpath(`//*[@id='components-preview']//span[contains(concat(' ', @class, ' '), ' chat-preview__breaker ')][normalize-space()='${text}']`),
  blockListRow: (waId) => By.css(`#block-list li[data-wa-id='${waId}']`),
  blockEmpty: By.id("block-empty"),
  setupProgress: (phone) => By.css(`#numbers-table tr[data-phone='${phone}'] a.setup-progress`),

  // History
  openConversation: By.id("open-conversation"),
  conversationBlock: By.id("conversation-block-button"),
  conversationUnblock: By.id("conversation-unblock"),
  blockResult: By.id("block-result"),
  historyRowOpen: (wamid) => By.css(`#history-table [role='row'][data-wamid='${wamid}'] button.link`),
  historyRow: (wamid) => By.css(`#history-table [role='row'][data-wamid='${wamid}']`),
  historyRows: By.css("#history-table .vtable__body [role='row']"),
  historyEmpty: By.css("#page-history section.empty-state[aria-label='No messages recorded']"),
};

/** Types into a field as a user does: everything already there is replaced. */
export async function fill(driver, locator, text) {
  const el = await driver.wait(until.elementLocated(locator), 10000);
  await clearInput(el);
  await el.sendKeys(text);
  return el;
}

export async function choose(driver, optionLocator) {
  await driver.wait(until.elementLocated(optionLocator), 10000);
  await driver.findElement(optionLocator).click();
}

export async function go(driver, section) {
  await driver.findElement(SEL.nav(section)).click();
}

export async function waitFor(driver, locator, ms = 10000, what) {
  return driver.wait(until.elementLocated(locator), ms, what);
}

/** Add-number form: phone, label, the Local simulator environment, its address if the form asks, Save. */
export async function addNumberByHand(driver, { phone, label, baseUrl }) {
  await go(driver, "numbers");
  await driver.findElement(SEL.addNumber).click();
  await fill(driver, SEL.numberPhone, phone);
  await fill(driver, SEL.numberLabel, label);
  await choose(driver, SEL.numberEnvOption("simulator"));
  const base = await driver.findElements(SEL.numberBaseUrl);
  if (base.length > 0 && (await base[0].isDisplayed()) && baseUrl) await fill(driver, SEL.numberBaseUrl, baseUrl);
  await driver.findElement(SEL.numberSubmit).click();
  await waitFor(driver, SEL.numberDrawer, 10000, "the new number's drawer opens");
}

/** In the open number drawer: paste a key and save it (verified against 360dialog). */
export async function pasteKey(driver, key) {
  await fill(driver, SEL.keyInput, key);
  await driver.findElement(SEL.keySave).click();
}

export async function keyStateIs(driver, state, ms = 15000) {
  await waitFor(driver, SEL.drawerKeyState(state), ms, `key state ${state}`);
}

/**
 * How many elements `locator` finds. WebKitWebDriver fails a find with a stale element when the
 * page re-renders between finding and answering (a profile switch, a list refilled): then it
 * is asked again, at most 5 times.
 */
export async function countOf(driver, locator) {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await driver.findElements(locator)).length;
    } catch (e) {
      if (e.name !== "StaleElementReferenceError" || attempt === 5) throw e;
    }
  }
}

export const text = async (driver, locator) => (await driver.findElement(locator)).getText();

/** Clicks a button that may be below the fold. */
export async function press(driver, locator) {
  const el = await driver.wait(until.elementLocated(locator), 10000);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", el);
  await driver.wait(until.elementIsEnabled(el), 10000);
  await el.click();
  return el;
}

export { By, Key, until };
