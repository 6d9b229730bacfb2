// The wa-report dashboard: reads the report API and the scheduler API of the
// nginx that serves this page. Every text that comes from the API is put in
// with textContent, never as HTML. The scheduler token and the API key live
// only in this page's memory (no storage, no cookie): a reload forgets them.
'use strict';

const LABELS = {
  id: {
    title: 'Laporan pengingat WhatsApp', stats: 'Statistik', reports: 'Laporan',
    messages: 'Pesan terkirim', average: 'Rata-rata pesan per laporan',
    histogram: 'Jumlah laporan menurut frekuensi', frequency: 'Frekuensi',
    scheduler: 'Penjadwal', token: 'Token penjadwal (JWT)', use_token: 'Pakai token',
    token_hint: 'Token hanya disimpan di memori halaman ini.', enabled: 'Aktif', time: 'Jam',
    next_run: 'Jalan berikutnya', source: 'Diatur oleh', start: 'Mulai', stop: 'Hentikan',
    dry_run: 'Jalankan sekarang (uji coba)', last_run: 'Jalan terakhir',
    due: 'Kendaraan yang jatuh tempo',
    due_hint: 'Dari hasil uji coba (jalankan sekarang): kendaraan dalam jangka wa_report_lead_days hari, dengan pesan untuk masing-masing.',
    due_week: 'Jatuh tempo 7 hari ke depan', date: 'Tanggal', reminded: 'Sudah diingatkan',
    dry_run_result: 'Hasil uji coba',
    due_week_summary: (d) => `${d.count} kendaraan, ${d.from} s.d. ${d.to}` + (d.truncated ? ' (lebih banyak lagi; 500 pertama ditampilkan)' : '') + '.',
    plate: 'No. polisi', customer: 'Pelanggan', phone: 'HP', visit: 'Kunjungan', days: 'Hari lagi',
    status: 'Status', note: 'Keterangan', lookup: 'Cari pelanggan', customer_id: 'ID pelanggan',
    search: 'Cari', name: 'Nama', address: 'Alamat', model: 'Model', last_message: 'Pesan terakhir',
    why_hint: 'Jalan berikutnya: apa yang akan dilakukan jalan pengingat berikutnya dengan kendaraan itu, dan mengapa.',
    delivery: 'Pengiriman terakhir', next: 'Jalan berikutnya',
    funnel: 'Status pengiriman',
    funnel_hint: 'Dari status yang dikirim balik penyedia (webhook); persentase atas pesan yang diterima gateway.',
    accepted: 'Diterima gateway', delivered: 'Sampai', read: 'Dibaca', failed: 'Gagal',
    failures_by_code: 'Kegagalan menurut kode', code: 'Kode', messages_n: 'Pesan',
    statuses: { accepted: 'diterima gateway', sent: 'terkirim', delivered: 'sampai', read: 'dibaca', failed: 'gagal' },
    reasons: {
      will_send: 'akan dikirim', outside_window: 'dikirim saat jam kirim dibuka', not_due_until: 'belum waktunya, mulai',
      visit_passed: 'tanggal kunjungan sudah lewat', missing_visit_date: 'tanggal kunjungan kosong',
      no_customer: 'pelanggan tidak ada', missing_phone: 'HP kosong', missing_plate: 'no. polisi kosong',
      invalid_phone: 'HP tidak valid', not_mobile: 'bukan nomor HP', do_not_contact: 'jangan dihubungi',
      opted_out: 'berhenti berlangganan', already_reminded: 'sudah diingatkan',
      attempt_unknown: 'hasil pengiriman sebelumnya belum diketahui',
    },
    access: 'Akses API', api_key: 'Kunci API (bila API meminta)', use_key: 'Pakai kunci',
    yes: 'ya', no: 'tidak', none: 'belum ada', never: 'belum pernah',
    need_token: 'Masukkan token penjadwal dulu.',
    dry_summary: (d) => `Uji coba: ${d.due} kendaraan jatuh tempo, ${d.customers} pelanggan, ${d.sent} terkirim.`,
    run_started_at: 'Mulai', run_finished_at: 'Selesai', run_due: 'Kendaraan jatuh tempo',
    run_sent: 'Terkirim', run_failed: 'Gagal', run_skipped: 'Dilewati', run_unknown: 'Tidak diketahui',
    run_dry: 'Uji coba', run_customers: 'Pelanggan',
    not_found: 'Tidak ditemukan.', bad_id: 'ID harus berupa UUID.',
  },
  en: {
    title: 'WhatsApp reminder reports', stats: 'Statistics', reports: 'Reports',
    messages: 'Messages sent', average: 'Average messages per report',
    histogram: 'Reports by frequency', frequency: 'Frequency',
    scheduler: 'Scheduler', token: 'Scheduler token (JWT)', use_token: 'Use token',
    token_hint: 'The token is kept only in this page\'s memory.', enabled: 'Enabled', time: 'Time',
    next_run: 'Next run', source: 'Set by', start: 'Start', stop: 'Stop',
    dry_run: 'Run now (dry run)', last_run: 'Last run',
    due: 'Vehicles due',
    due_hint: 'From the dry run (run now): the vehicles in the wa_report_lead_days window, with the message each would get.',
    due_week: 'Due in the next 7 days', date: 'Date', reminded: 'Reminded',
    dry_run_result: 'Dry run result',
    due_week_summary: (d) => `${d.count} vehicles, ${d.from} to ${d.to}` + (d.truncated ? ' (more exist; the first 500 shown)' : '') + '.',
    plate: 'Plate', customer: 'Customer', phone: 'Phone', visit: 'Visit', days: 'Days left',
    status: 'Status', note: 'Note', lookup: 'Customer lookup', customer_id: 'Customer id',
    search: 'Search', name: 'Name', address: 'Address', model: 'Model', last_message: 'Last message',
    why_hint: 'Next run: what the next reminder run will do with the vehicle, and why.',
    delivery: 'Last delivery', next: 'Next run',
    funnel: 'Delivery funnel',
    funnel_hint: 'From the statuses the provider sends back (webhook); percentages of the messages the gateway accepted.',
    accepted: 'Accepted by the gateway', delivered: 'Delivered', read: 'Read', failed: 'Failed',
    failures_by_code: 'Failures by code', code: 'Code', messages_n: 'Messages',
    statuses: { accepted: 'accepted', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' },
    reasons: {
      will_send: 'will send', outside_window: 'sends when the send window opens', not_due_until: 'not due until',
      visit_passed: 'visit date passed', missing_visit_date: 'no visit date', no_customer: 'no customer',
      missing_phone: 'no phone', missing_plate: 'no plate', invalid_phone: 'invalid phone',
      not_mobile: 'not a mobile number', do_not_contact: 'do not contact', opted_out: 'opted out',
      already_reminded: 'already reminded', attempt_unknown: 'an earlier attempt\'s outcome is unknown',
    },
    access: 'API access', api_key: 'API key (if the API asks for one)', use_key: 'Use key',
    yes: 'yes', no: 'no', none: 'none yet', never: 'never',
    need_token: 'Enter the scheduler token first.',
    dry_summary: (d) => `Dry run: ${d.due} vehicles due, ${d.customers} customers, ${d.sent} sent.`,
    run_started_at: 'Started', run_finished_at: 'Finished', run_due: 'Vehicles due',
    run_sent: 'Sent', run_failed: 'Failed', run_skipped: 'Skipped', run_unknown: 'Unknown',
    run_dry: 'Dry run', run_customers: 'Customers',
    not_found: 'Not found.', bad_id: 'The id must be a UUID.',
  },
};

const page = {
  lang: 'id',
  token: null,   // the scheduler JWT, in memory only
  apiKey: null,  // the report API key, in memory only
  chart: null,
  stats: null,
  status: null,
  dryRun: null,
  dueWeek: null,
  delivery: null,
  lookup: null,  // [{vehicle, report, why}] of the customer looked up
};

const $ = (id) => document.getElementById(id);
const t = (key) => LABELS[page.lang][key];
const reportBase = document.body.dataset.report;
const schedulerBase = document.body.dataset.scheduler;

// One cell or element's text; null and undefined show as a dash.
function text(el, value) {
  el.textContent = value === null || value === undefined ? '–' : String(value);
  return el;
}

function row(values) {
  const tr = document.createElement('tr');
  for (const v of values) {
    tr.appendChild(text(document.createElement('td'), v));
  }
  return tr;
}

// A phone shows a wide table's rows as cards: each cell gets its column's
// label (an attribute, shown by CSS).
function labelCells(tableId) {
  const table = $(tableId);
  const labels = [...table.tHead.rows[0].cells].map((th) => th.textContent);
  for (const tr of table.tBodies[0].rows) {
    [...tr.cells].forEach((td, i) => td.setAttribute('data-label', labels[i] || ''));
  }
}

function showError(id, message) {
  const el = $(id);
  el.hidden = !message;
  text(el, message || '');
}

// The API's error answers are {"detail": "..."} or {"status":"error","message":...}.
function errorText(status, body) {
  if (body && typeof body.detail === 'string') return `${status}: ${body.detail}`;
  if (body && typeof body.message === 'string') return `${status}: ${body.message}`;
  if (body && Array.isArray(body.detail)) return `${status}: ${body.detail.map((d) => d.msg).join('; ')}`;
  return `HTTP ${status}`;
}

async function call(method, url, bearer) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const response = await fetch(url, { method, headers, cache: 'no-store' });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  return { ok: response.ok, status: response.status, body };
}

// ---- statistics -------------------------------------------------------------

async function loadStatistics() {
  const r = await call('GET', `${reportBase}/statistics`, page.apiKey);
  if (!r.ok) {
    showError('stats-error', errorText(r.status, r.body));
    return;
  }
  showError('stats-error', '');
  page.stats = r.body;
  renderStatistics();
}

function renderStatistics() {
  const s = page.stats;
  if (!s) return;
  text($('stat-reports'), s.total_customers_with_vehicles);
  text($('stat-messages'), s.total_messages_sent);
  text($('stat-average'), Number(s.average_messages_per_customer).toFixed(2));
  const freqs = Object.keys(s.customers_by_frequency).sort((a, b) => Number(a) - Number(b));
  const counts = freqs.map((f) => s.customers_by_frequency[f]);
  const body = $('frequency-table').tBodies[0];
  body.replaceChildren(...freqs.map((f, i) => row([f, counts[i]])));
  drawChart(freqs, counts);
}

function drawChart(labels, counts) {
  if (typeof Chart === 'undefined') return;  // the table above still shows the numbers
  if (page.chart) page.chart.destroy();
  page.chart = new Chart($('frequency-chart'), {
    type: 'bar',
    data: { labels, datasets: [{ label: t('reports'), data: counts, backgroundColor: '#128c7e' }] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { title: { display: true, text: t('frequency') } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: t('reports') } },
      },
    },
  });
}

// ---- delivery funnel ------------------------------------------------------------

async function loadDelivery() {
  const r = await call('GET', `${reportBase}/statistics/delivery`, page.apiKey);
  if (!r.ok || !r.body) {
    showError('funnel-error', errorText(r.status, r.body));
    return;
  }
  showError('funnel-error', '');
  page.delivery = r.body;
  renderDelivery();
}

function percent(rate) {
  return `${(Number(rate) * 100).toFixed(1)}%`;
}

function renderDelivery() {
  const s = page.delivery;
  if (!s) return;
  text($('funnel-accepted'), s.accepted);
  text($('funnel-delivered'), s.delivered);
  text($('funnel-read'), s.read);
  text($('funnel-failed'), s.failed);
  text($('funnel-delivery-rate'), percent(s.delivery_rate));
  text($('funnel-read-rate'), percent(s.read_rate));
  text($('funnel-failure-rate'), percent(s.failure_rate));
  const codes = Object.keys(s.failures_by_code || {}).sort();
  $('failures-table').tBodies[0].replaceChildren(...codes.map((c) => row([c, s.failures_by_code[c]])));
}

// ---- scheduler --------------------------------------------------------------

function setSchedulerButtons() {
  for (const id of ['sched-start', 'sched-stop', 'sched-dry-run']) {
    $(id).disabled = !page.token;
  }
}

async function loadStatus() {
  if (!page.token) {
    showError('scheduler-error', t('need_token'));
    return;
  }
  const r = await call('GET', `${schedulerBase}/status`, page.token);
  if (!r.ok) {
    showError('scheduler-error', errorText(r.status, r.body));
    return;
  }
  showError('scheduler-error', '');
  page.status = r.body.data;
  renderStatus();
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function renderStatus() {
  const s = page.status;
  if (!s) return;
  $('scheduler-status').hidden = false;
  text($('sched-enabled'), s.schedule.enabled ? t('yes') : t('no'));
  text($('sched-time'), `${pad(s.schedule.hour)}:${pad(s.schedule.minute)}`);
  const job = s.jobs.length ? s.jobs[0] : null;
  text($('sched-next'), job ? job.next_run_time : t('none'));
  text($('sched-source'), s.schedule.source);
  const last = s.last_run;
  const body = $('last-run').tBodies[0];
  if (!last) {
    body.replaceChildren(row([t('never'), '']));
    return;
  }
  body.replaceChildren(
    row([t('run_started_at'), last.started_at]),
    row([t('run_finished_at'), last.finished_at]),
    row([t('run_due'), last.vehicles_due]),
    row([t('run_sent'), last.reminder_sent]),
    row([t('run_failed'), last.failed]),
    row([t('run_skipped'), last.skipped]),
    row([t('run_unknown'), last.unknown]),
    row([t('run_dry'), last.dry_run ? `${t('yes')} (${last.dry_run_count})` : t('no')]),
    row([t('run_customers'), last.customers]),
  );
}

async function schedulerAction(method, path) {
  if (!page.token) {
    showError('scheduler-error', t('need_token'));
    return null;
  }
  const r = await call(method, `${schedulerBase}${path}`, page.token);
  if (!r.ok) {
    showError('scheduler-error', errorText(r.status, r.body));
    return null;
  }
  showError('scheduler-error', '');
  return r.body;
}

async function dryRun() {
  $('sched-dry-run').disabled = true;
  try {
    const answer = await schedulerAction('POST', '/run-now?dry_run=true');
    if (answer && answer.data && Array.isArray(answer.data.details)) {
      page.dryRun = answer.data;
      renderDryRun();
    } else if (answer) {
      text($('dry-run-summary'), answer.message);
    }
    await loadStatus();
  } finally {
    setSchedulerButtons();
  }
}

function renderDryRun() {
  const d = page.dryRun;
  if (!d) return;
  $('dry-run-summary').dataset.due = d.details.length;
  text($('dry-run-summary'),
       t('dry_summary')({ due: d.details.length, customers: d.total_customers, sent: d.reminder_sent }));
  const body = $('due-table').tBodies[0];
  body.replaceChildren(...d.details.map((v) => row([
    v.no_pol, v.customer_nama, v.customer_hp, v.next_visit_date, v.days_until_visit, v.status,
    v.reason || v.message || v.api_response || '',
  ])));
  labelCells('due-table');
}

// ---- due in the next 7 days -----------------------------------------------------

const DUE_DAYS = 7;

// YYYY-MM-DD plus n days, in the calendar (no time zone involved).
function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// "today" is the server's (wa_report_timezone), not the browser's.
async function loadDueWeek() {
  const r = await call('GET', `${reportBase}/due?days=${DUE_DAYS}`, page.apiKey);
  if (!r.ok || !r.body || !Array.isArray(r.body.vehicles)) {
    showError('due-week-error', errorText(r.status, r.body));
    return;
  }
  showError('due-week-error', '');
  page.dueWeek = r.body;
  renderDueWeek();
}

function renderDueWeek() {
  const d = page.dueWeek;
  if (!d) return;
  const summary = $('due-week-summary');
  summary.dataset.count = d.vehicles.length;
  text(summary, t('due_week_summary')({
    count: d.vehicles.length, from: d.from, to: addDays(d.from, d.days - 1), truncated: d.truncated,
  }));
  // Reminded means reminded of this visit; a reminder for an earlier visit does not count.
  $('due-week-table').tBodies[0].replaceChildren(...d.vehicles.map((v) => row([
    v.next_visit_date, v.nopol, v.model, v.customer_name, v.customer_phone,
    v.reminded_for !== null && v.reminded_for === v.next_visit_date ? t('yes') : t('no'),
  ])));
  labelCells('due-week-table');
}

// ---- lookup -----------------------------------------------------------------

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

async function lookup(id) {
  $('customer-card').hidden = true;
  page.lookup = null;
  $('lookup-table').tBodies[0].replaceChildren();
  if (!UUID.test(id)) {
    showError('lookup-error', t('bad_id'));
    return;
  }
  const [customer, reports] = await Promise.all([
    call('GET', `${reportBase}/data/customers/${encodeURIComponent(id)}`, page.apiKey),
    call('GET', `${reportBase}/customer/${encodeURIComponent(id)}`, page.apiKey),
  ]);
  if (!customer.ok) {
    showError('lookup-error', customer.status === 404 ? t('not_found') : errorText(customer.status, customer.body));
    return;
  }
  showError('lookup-error', reports.ok ? '' : errorText(reports.status, reports.body));
  $('customer-card').hidden = false;
  text($('cust-name'), customer.body.name);
  text($('cust-phone'), customer.body.phone);
  text($('cust-address'), customer.body.address);
  if (!reports.ok) return;
  page.lookup = await Promise.all(reports.body.map(async (report) => {
    const vid = encodeURIComponent(report.id_vehicle);
    const [v, why] = await Promise.all([
      call('GET', `${reportBase}/data/vehicles/${vid}`, page.apiKey),
      call('GET', `${reportBase}/customer/${encodeURIComponent(id)}/vehicle/${vid}/reminder`,
           page.apiKey),
    ]);
    return { vehicle: v.ok ? v.body : {}, report, why: why.ok ? why.body : null };
  }));
  renderLookup();
}

// What GET .../reminder says the next run does: its reason in words, with
// the day or time it names; the run's own Indonesian detail as the title.
function nextRunText(why) {
  const d = why && (why.next_run || why.if_run_today);
  if (!d) return null;
  const words = t('reasons')[d.reason] || d.reason;
  const when = d.not_due_until || d.window_opens;
  return when ? `${words} ${when}` : words;
}

function renderLookup() {
  if (!page.lookup) return;
  $('lookup-table').tBodies[0].replaceChildren(...page.lookup.map(({ vehicle, report, why }) => {
    const delivery = why && why.last_reminder && why.last_reminder.delivery;
    const tr = row([vehicle.nopol, vehicle.model, vehicle.next_visit_date, report.frequency,
                    report.last_message_date,
                    delivery ? t('statuses')[delivery.status] || delivery.status : null,
                    nextRunText(why)]);
    const d = why && (why.next_run || why.if_run_today);
    if (d && d.detail) tr.cells[6].title = d.detail;
    return tr;
  }));
  labelCells('lookup-table');
}

// ---- language ---------------------------------------------------------------

function setLanguage(lang) {
  page.lang = lang;
  document.documentElement.lang = lang;
  $('lang-id').setAttribute('aria-pressed', String(lang === 'id'));
  $('lang-en').setAttribute('aria-pressed', String(lang === 'en'));
  for (const el of document.querySelectorAll('[data-i18n]')) {
    text(el, t(el.dataset.i18n));
  }
  renderStatistics();
  renderStatus();
  renderDryRun();
  renderDueWeek();
  renderDelivery();
  renderLookup();
}

// ---- wiring -----------------------------------------------------------------

function init() {
  $('lang-id').addEventListener('click', () => setLanguage('id'));
  $('lang-en').addEventListener('click', () => setLanguage('en'));
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    page.token = $('token').value.trim() || null;
    $('token').value = '';
    setSchedulerButtons();
    loadStatus();
  });
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    page.apiKey = $('api-key').value.trim() || null;
    $('api-key').value = '';
    loadStatistics();
    loadDelivery();
    loadDueWeek();
  });
  $('sched-start').addEventListener('click', async () => {
    if (await schedulerAction('POST', '/start')) await loadStatus();
  });
  $('sched-stop').addEventListener('click', async () => {
    if (await schedulerAction('POST', '/stop')) await loadStatus();
  });
  $('sched-dry-run').addEventListener('click', dryRun);
  $('lookup-form').addEventListener('submit', (e) => {
    e.preventDefault();
    lookup($('customer-id').value.trim());
  });
  loadStatistics();
  loadDelivery();
  loadDueWeek();
}

init();
