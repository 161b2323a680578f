// The bounce report's webview: draws the ReportModel the extension posts as charts (Chart.js, bundled into
// dist/reportView.js) and tables. Text from the logs is set with textContent only; a click on a row asks the extension
// to open its source line. Colours are the theme's, read from CSS variables (reportView.css), and follow theme changes.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartConfiguration, Scale } from 'chart.js';
import type { Column, ReportModel, ReportRow, ReportTable, SourceLine, Timeline, TimelineColumn } from '../core/bounce/reportModel';
import { COLUMNS, TIMELINE_COLUMNS } from '../core/bounce/reportModel';
import type { FromReportView, ToReportView } from './protocol';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

declare function acquireVsCodeApi(): { postMessage(message: FromReportView): void };
const vscode = acquireVsCodeApi();

const COLUMN_LABELS: Record<Column, string> = { hard: 'hard', review: 'review', soft: 'soft', deferred: 'deferred', inbound: 'inbound rejects' };
const UNIT_WORDS = { hour: 'per hour', day: 'per day', month: 'per month' } as const;

/** An element with its class and text. */
function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

const count = (value: number) => value.toLocaleString('en-US');
const fileName = (file: string) => file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);

function openSource(source: SourceLine): void {
  vscode.postMessage({ type: 'openSource', source: { file: source.file, line: source.line } });
}

/** A row that opens its source line when clicked; its last cell is a button for the keyboard. The last of `cells`
 * is a diagnostic, which may wrap anywhere. */
function linkedRow(source: SourceLine, cells: readonly (string | number)[], numeric: (at: number) => boolean): HTMLTableRowElement {
  const row = element('tr', 'linked');
  cells.forEach((cell, at) => row.append(element('td', numeric(at) ? 'number' : at === cells.length - 1 ? 'text' : undefined, typeof cell === 'number' ? count(cell) : cell)));
  const link = element('button', 'source-link', `${fileName(source.file)}:${source.line}`);
  link.type = 'button';
  link.title = `Open ${source.file} at line ${source.line}`;
  const cell = element('td');
  cell.append(link);
  row.append(cell);
  row.addEventListener('click', () => openSource(source));
  return row;
}

function headerRow(names: readonly string[], numeric: (at: number) => boolean): HTMLTableSectionElement {
  const head = element('thead');
  const row = element('tr');
  names.forEach((name, at) => {
    const cell = element('th', numeric(at) ? 'number' : undefined, name);
    cell.scope = 'col';
    row.append(cell);
  });
  head.append(row);
  return head;
}

function section(id: string, heading: string): HTMLElement {
  const made = element('section');
  made.id = id;
  made.append(element('h2', undefined, heading));
  return made;
}

/** Colours of the theme, as resolved from the variables of reportView.css. */
function themeColours(): { columns: Record<Column, string>; text: string; grid: string; font: string } {
  const style = getComputedStyle(document.documentElement);
  const variable = (name: string) => style.getPropertyValue(name).trim();
  return {
    columns: Object.fromEntries(COLUMNS.map((column) => [column, variable(`--verdict-${column}`)])) as Record<Column, string>,
    text: variable('--report-foreground'),
    grid: variable('--report-grid'),
    font: variable('--vscode-font-family') || 'sans-serif',
  };
}

/** A key as an axis shows it: long host names would leave the bars no room (the tooltip has the whole key). */
function shortLabel(this: Scale, value: number | string): string {
  const label = this.getLabelForValue(Number(value));
  return label.length > 32 ? `${label.slice(0, 31)}…` : label;
}

/** Stacked bars, one dataset per column; horizontal for top lists. */
function stackedBars(labels: readonly string[], columns: readonly TimelineColumn[], values: (column: TimelineColumn) => number[], horizontal: boolean): ChartConfiguration<'bar'> {
  const colours = themeColours();
  Chart.defaults.color = colours.text;
  Chart.defaults.font.family = colours.font;
  Chart.defaults.borderColor = colours.grid;
  const axis = { stacked: true, grid: { color: colours.grid }, ticks: { color: colours.text } };
  const countAxis = { ...axis, beginAtZero: true, ticks: { ...axis.ticks, precision: 0 } };
  return {
    type: 'bar',
    data: {
      labels: [...labels],
      datasets: columns.map((column) => ({ label: COLUMN_LABELS[column], data: values(column), backgroundColor: colours.columns[column], borderWidth: 0 })),
    },
    options: {
      // Drawn once, at once: nothing moves, and a screenshot shows the final picture.
      animation: false,
      maintainAspectRatio: false,
      indexAxis: horizontal ? 'y' : 'x',
      scales: horizontal ? { x: countAxis, y: { ...axis, ticks: { ...axis.ticks, autoSkip: false, callback: shortLabel } } } : { x: axis, y: countAxis },
      plugins: { legend: { position: 'bottom', labels: { color: colours.text, boxWidth: 12 } } },
    },
  };
}

/** The charts of the page: each canvas with what configures it in the current theme colours, and its chart once drawn. */
const charts: { canvas: HTMLCanvasElement; configure: () => ChartConfiguration<'bar'>; chart?: Chart<'bar'> }[] = [];

/** A canvas for a chart, drawn by drawCharts once the page holds it (a chart sizes itself to its container). */
function chartIn(container: HTMLElement, description: string, configure: () => ChartConfiguration<'bar'>): void {
  const canvas = element('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', description);
  container.append(canvas);
  charts.push({ canvas, configure });
}

/** Draws every chart, again in new colours when the theme changed. */
function drawCharts(): void {
  for (const entry of charts) {
    entry.chart?.destroy();
    entry.chart = new Chart(entry.canvas, entry.configure());
  }
}

function timelineSection(timeline: Timeline): HTMLElement {
  const made = section('timeline', `Failures over time (${UNIT_WORDS[timeline.unit]})`);
  const notes: string[] = [];
  if (timeline.buckets.length === 0) notes.push('No failure with a date.');
  if (timeline.undated) notes.push(`${count(timeline.undated)} failure(s) without a usable date are not shown.`);
  if (timeline.yearsInferred) notes.push('Syslog time stamps have no year: it is inferred from when each log was last written, as for the extracted records.');
  notes.push('Times are UTC where the source names a zone, else the source\'s own clock. Inbound rejects are not counted.');
  if (timeline.buckets.length) {
    const box = element('div', 'chart timeline-chart');
    made.append(box);
    chartIn(box, `Failures ${UNIT_WORDS[timeline.unit]}, stacked by verdict`,
      () => stackedBars(timeline.buckets.map((bucket) => bucket.label), TIMELINE_COLUMNS, (column) => timeline.buckets.map((bucket) => bucket[column]), false));
  }
  made.append(element('p', 'note', notes.join(' ')));
  return made;
}

function topChart(table: ReportTable, heading: string): HTMLElement {
  const made = element('figure', 'top-chart');
  made.append(element('figcaption', undefined, heading));
  if (table.top.length === 0) {
    made.append(element('p', 'note', 'No failure.'));
    return made;
  }
  const box = element('div', 'chart');
  // Room for each bar and the legend.
  box.style.height = `${table.top.length * 26 + 70}px`;
  made.append(box);
  chartIn(box, `${heading}, stacked by verdict`,
    () => stackedBars(table.top.map((entry) => entry.key), TIMELINE_COLUMNS, (column) => table.top.map((entry) => entry[column]), true));
  return made;
}

function tableSection(table: ReportTable): HTMLElement {
  const made = section(`table-${table.id}`, table.heading);
  const numeric = (at: number) => at >= 1 && at <= COLUMNS.length;
  const grid = element('table');
  grid.append(headerRow([table.keyName, ...COLUMNS.map((column) => COLUMN_LABELS[column]), 'top diagnostic', 'example'], numeric));
  const body = element('tbody');
  const diagnostic = (row: ReportRow) => (row.topDiagnostic ? `${row.topDiagnostic.text} (×${row.topDiagnostic.count}${row.topDiagnostic.atLeast ? '+' : ''})` : '');
  for (const row of table.rows) body.append(linkedRow(row.example, [row.key, ...COLUMNS.map((column) => row[column]), diagnostic(row)], numeric));
  if (table.rows.length === 0) made.append(element('p', 'note', 'None.'));
  if (table.rest) {
    const rest = element('tr', 'rest');
    [`${table.rest.estimated ? 'about ' : ''}${count(table.rest.rows)} more`, ...COLUMNS.map((column) => count(table.rest![column])), '', ''].forEach((cell, at) => rest.append(element('td', numeric(at) ? 'number' : undefined, cell)));
    body.append(rest);
  }
  grid.append(body);
  if (table.rows.length) made.append(grid);
  return made;
}

function addressSection(addresses: ReportModel['addresses']): HTMLElement {
  const made = section('addresses', 'Failed addresses');
  made.append(element('p', 'note', 'Hard bounces (the suppression list) first, then review and soft; the line of each address\'s last failure. "SMTP: Extract Hard-Bounce Addresses" writes the full list.'));
  if (addresses.rows.length === 0) {
    made.append(element('p', 'note', 'None.'));
    return made;
  }
  const numeric = (at: number) => at === 4;
  const grid = element('table');
  grid.append(headerRow(['address', 'verdict', 'code', 'reason', 'failures', 'diagnostic', 'line'], numeric));
  const body = element('tbody');
  for (const row of addresses.rows) {
    const shown = linkedRow(row.source, [row.address, row.type, row.code, row.reason, row.count, row.diagnostic], numeric);
    shown.cells[1].classList.add(`verdict-${row.type}`);
    body.append(shown);
  }
  grid.append(body);
  made.append(grid);
  if (addresses.more) made.append(element('p', 'note', `${count(addresses.more)} more.`));
  return made;
}

function render(model: ReportModel): void {
  const root = document.getElementById('report')!;
  root.replaceChildren();
  charts.splice(0).forEach((entry) => entry.chart?.destroy());
  const header = element('header');
  header.append(element('h1', undefined, model.title));
  const markdown = element('button', 'secondary', 'Open as Markdown');
  markdown.type = 'button';
  markdown.addEventListener('click', () => vscode.postMessage({ type: 'openMarkdown' }));
  header.append(markdown);
  root.append(header);

  const { summary } = model;
  const tiles = element('ul', 'summary');
  for (const [label, value, column] of [
    ['failed', summary.failed, 'hard'], ['deferred', summary.deferred, 'deferred'], ['delivered', summary.delivered, 'delivered'],
    ['inbound rejects', summary.rejectedInbound, 'inbound'],
  ] as const) {
    const tile = element('li', `tile tile-${column}`);
    tile.append(element('span', 'value', count(value)), element('span', 'label', label));
    tiles.append(tile);
  }
  root.append(tiles, element('p', 'note', `Scanned ${count(summary.files)} file(s), ${count(summary.lines)} line(s), ${count(summary.messages)} message(s). Inbound rejects are this server refusing others' mail: not in the suppression list.`));
  if (model.laterDelivered.shown.length) {
    const more = model.laterDelivered.more ? ` and ${count(model.laterDelivered.more)} more` : '';
    root.append(element('p', 'note', `Delivered after failing (left out of the suppression list): ${model.laterDelivered.shown.join(', ')}${more}`));
  }

  root.append(timelineSection(model.timeline));
  const tops = section('top', 'Top domains, reasons and remote hosts');
  const grid = element('div', 'top-charts');
  const byId = (id: ReportTable['id']) => model.tables.find((table) => table.id === id)!;
  grid.append(topChart(byId('domains'), 'Top domains'), topChart(byId('reasons'), 'Top reasons'), topChart(byId('hosts'), 'Top remote hosts'));
  tops.append(grid);
  root.append(tops, addressSection(model.addresses));
  for (const table of model.tables) root.append(tableSection(table));
  if (model.problems.length) {
    const problems = section('problems', 'Inputs not scanned');
    const list = element('ul');
    for (const problem of model.problems) list.append(element('li', undefined, `${problem.file}: ${problem.problem}`));
    problems.append(list);
    root.append(problems);
  }
  drawCharts();
  root.removeAttribute('aria-busy');
}

window.addEventListener('message', (event: MessageEvent<ToReportView>) => {
  if (event.data?.type === 'report') render(event.data.model);
});
// VS Code sets the theme's variables on <html> and its kind on <body>: either change redraws the charts.
new MutationObserver(drawCharts).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
new MutationObserver(drawCharts).observe(document.body, { attributes: true, attributeFilter: ['class'] });
vscode.postMessage({ type: 'ready' });
